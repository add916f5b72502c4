package org.vnicteam.lib.pcap4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.concurrent.locks.Lock;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.vnicteam.lib.pcap4j.internal.Handles;
import org.vnicteam.lib.pcap4j.internal.PcapNative;

/**
 * Reads the frames of an open {@link PcapHandle} one at a time with libpcap's
 * {@code pcap_next_ex}, copying each into a buffer of the caller's: one plain downcall per frame
 * and no allocation, where {@link PcapHandle#loop} calls back from native code for every frame
 * (JNA builds a header structure by reflection, pcap4j a new array). On a Linux ring libpcap
 * copies the frame out of its ring slot first (it hands the slot back before returning), so a
 * frame is copied twice (the measured cost was the same for 64 and 1514-byte frames).
 *
 * <pre>
 * PcapReader reader = new PcapReader(handle);
 * byte[] buffer = new byte[snaplen];
 * int n;
 * while ((n = reader.next(buffer)) != PcapReader.BREAK) {
 *     if (n &gt; 0) use(buffer, n);            // 0: the handle's timeout passed without a frame
 * }
 * </pre>
 *
 * <p><b>Length.</b> {@link #next} returns how many bytes it copied: the captured length, or less if
 * the buffer is shorter. A frame was cut (by the snap length or by the buffer) when that is less
 * than {@link #originalLength()}; {@link #capturedLength()} tells which.
 *
 * <p><b>Threads.</b> One thread reads: a reader keeps state between calls, and a libpcap handle is
 * not thread-safe. Any thread may call {@link PcapHandle#breakLoop()}: a {@code next} that waits
 * returns {@link #BREAK}, and if none waits, the next call does. During {@code next} the reader
 * holds pcap4j's handle lock (as {@code PcapHandle.loop} does), so {@link PcapHandle#close()} from
 * another thread waits until {@code next} returns: break first, or close on the reading thread.
 * After the close, {@code next} throws {@link NotOpenException}.
 *
 * <p>pcap4j 1.8.2 keeps the native {@code pcap_t} pointer and that lock private; the reader takes
 * them by reflection and fails at construction if they are not there.
 */
public final class PcapReader {

    /** What {@link #next} returns when the handle's timeout passed without a frame. */
    public static final int TIMEOUT = 0;
    /**
     * What {@link #next} returns once after {@code pcap_breakloop} (PCAP_ERROR_BREAK); for a handle
     * on a savefile, also at its end.
     */
    public static final int BREAK = -2;

    private static final int ERROR = -1;
    /** struct pcap_pkthdr: struct timeval (two C longs), then bpf_u_int32 caplen and len. */
    private static final int CAPLEN_OFFSET = 2 * Native.LONG_SIZE;
    private static final int LEN_OFFSET = CAPLEN_OFFSET + 4;
    private static final int HEADER_SIZE = LEN_OFFSET + 4;
    /** The two out-pointers of pcap_next_ex, side by side in {@link #out}. */
    private static final int HEADER_SLOT = 0;
    private static final int DATA_SLOT = Native.POINTER_SIZE;

    private final PcapHandle handle;
    private final Pointer pcap;
    private final Lock handleLock;
    private final Memory out = new Memory(2L * Native.POINTER_SIZE);
    private final Pointer dataSlot = out.share(DATA_SLOT);
    /** {@link #out} seen from Java: reading it costs no JNI call. */
    private final ByteBuffer slots = out.getByteBuffer(0, out.size()).order(ByteOrder.nativeOrder());
    /** Moved onto each frame's data (no Pointer per frame). */
    private final Pointer data = new Pointer(0);
    /** A view of libpcap's header, made again only if libpcap moves it (it does not on a live capture). */
    private ByteBuffer header;
    private long headerAddress;
    private int capturedLength;
    private int originalLength;
    private boolean breakPending;

    /**
     * A reader for {@code handle}, which stays the caller's to break and close.
     *
     * @throws NotOpenException if the handle is closed
     * @throws IllegalStateException if this pcap4j's {@code PcapHandle} is not 1.8.2's (no private
     *         {@code handle} pointer or {@code handleLock})
     */
    public PcapReader(PcapHandle handle) throws NotOpenException {
        this.handle = Objects.requireNonNull(handle, "handle");
        this.pcap = Handles.pcap(handle, "PcapReader");
        this.handleLock = Handles.readLock(handle, "PcapReader");
        if (!handle.isOpen()) {
            throw new NotOpenException("the pcap handle is closed");
        }
        if (pcap == null || Pointer.nativeValue(pcap) == 0) {
            throw new IllegalArgumentException("the pcap handle has no pcap_t: " + handle);
        }
    }

    /**
     * Waits for the next frame (as the handle's timeout and blocking mode say) and copies it into
     * {@code buffer}.
     *
     * @return the number of bytes copied ({@code > 0}: the captured length, at most
     *         {@code buffer.length}), {@link #TIMEOUT}, or {@link #BREAK}
     * @throws PcapNativeException if libpcap fails (the interface went down or away, a handle that
     *         cannot capture); the message is pcap_geterr's text, the return code libpcap's
     * @throws NotOpenException if the handle is closed or being closed
     * @throws IllegalArgumentException if the buffer is empty
     */
    public int next(byte[] buffer) throws PcapNativeException, NotOpenException {
        if (buffer.length == 0) {
            throw new IllegalArgumentException("an empty buffer cannot take a frame");
        }
        if (breakPending) {
            breakPending = false;
            return BREAK;
        }
        if (!handleLock.tryLock()) {
            throw new NotOpenException("the pcap handle is being closed");
        }
        try {
            if (!handle.isOpen()) {
                throw new NotOpenException("the pcap handle is closed");
            }
            setAddress(DATA_SLOT, 0);
            int rc = PcapNative.pcap_next_ex(pcap, out, dataSlot);
            if (rc == 1) {
                return copy(buffer);
            }
            if (rc == TIMEOUT) {
                return TIMEOUT;
            }
            if (rc == BREAK) {
                // libpcap checks the break flag after taking a frame: hand that one on, break next time
                if (address(DATA_SLOT) == 0) {
                    return BREAK;
                }
                breakPending = true;
                return copy(buffer);
            }
            throw new PcapNativeException("pcap_next_ex failed (" + (rc == ERROR ? "PCAP_ERROR" : "code " + rc) + "): "
                    + handle.getError(), rc);
        } finally {
            handleLock.unlock();
        }
    }

    /**
     * The captured length of the frame {@link #next} returned last (libpcap's caplen): at most the
     * snap length; more than {@code next} returned if the buffer was shorter.
     */
    public int capturedLength() {
        return capturedLength;
    }

    /** The length the frame {@link #next} returned last had on the wire (libpcap's len). */
    public int originalLength() {
        return originalLength;
    }

    private int copy(byte[] buffer) throws PcapNativeException {
        long headerAt = address(HEADER_SLOT);
        long dataAt = address(DATA_SLOT);
        if (headerAt == 0 || dataAt == 0) {
            throw new PcapNativeException("pcap_next_ex returned a frame without " + (headerAt == 0 ? "header" : "data"));
        }
        if (headerAt != headerAddress) {
            header = new Pointer(headerAt).getByteBuffer(0, HEADER_SIZE).order(ByteOrder.nativeOrder());
            headerAddress = headerAt;
        }
        int caplen = header.getInt(CAPLEN_OFFSET);
        int len = header.getInt(LEN_OFFSET);
        if (caplen <= 0 || len < 0) { // u32 beyond 2^31: no frame is that long
            throw new PcapNativeException("pcap_next_ex returned a bad header: caplen " + Integer.toUnsignedString(caplen)
                    + ", len " + Integer.toUnsignedString(len));
        }
        capturedLength = caplen;
        originalLength = len;
        int n = Math.min(caplen, buffer.length);
        Pointer.nativeValue(data, dataAt);
        data.read(0, buffer, 0, n);
        return n;
    }

    private long address(int slot) {
        return Native.POINTER_SIZE == 8 ? slots.getLong(slot) : Integer.toUnsignedLong(slots.getInt(slot));
    }

    private void setAddress(int slot, long value) {
        if (Native.POINTER_SIZE == 8) {
            slots.putLong(slot, value);
        } else {
            slots.putInt(slot, (int) value);
        }
    }
}

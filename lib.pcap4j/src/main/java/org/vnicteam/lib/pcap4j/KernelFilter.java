package org.vnicteam.lib.pcap4j;

import java.util.Objects;
import java.util.concurrent.locks.Lock;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.vnicteam.lib.pcap4j.internal.Handles;
import org.vnicteam.lib.pcap4j.internal.PcapNative;
import org.vnicteam.lib.pcap4j.internal.SocketNative;

/**
 * Puts a capture filter on a live Linux handle in one step, losing no frame: the expression is
 * compiled by libpcap for the handle ({@code pcap_compile}: its link type and snap length, as
 * {@code pcap_setfilter} would) and attached to the capture's socket with
 * {@code setsockopt(SO_ATTACH_FILTER)}, which replaces the socket's filter atomically.
 *
 * <p><b>Why not {@link PcapHandle#setFilter}.</b> libpcap 1.10 on Linux ({@code set_kernel_filter})
 * first attaches a reject-everything filter, drains the socket, then attaches the new one: a frame
 * arriving in between is lost and counted nowhere. It also re-runs the new program in user space
 * on the ring blocks that were filled under the old one. Here nothing is drained and nothing is
 * re-filtered: frames that passed the old filter and wait in the ring are delivered; frames
 * arriving after the call meet the new filter.
 *
 * <p><b>Do not mix with {@code pcap_setfilter} on one handle.</b> libpcap keeps the program given
 * to {@code pcap_setfilter} and runs it in user space whenever it thinks the kernel does not
 * (the kernel refused it, or for the ring blocks filled before the change); it knows nothing of a
 * filter attached here. A handle that only ever had its filter from this class has no program in
 * libpcap, so libpcap never filters its frames in user space.
 *
 * <p><b>Threads.</b> The call holds pcap4j's handle lock for reading (as every call on the handle
 * does), so a {@link PcapHandle#close()} waits for it. {@code pcap_compile} uses the handle's link
 * type, snap length and error buffer; call it where the handle's other libpcap calls are made
 * (e.g. the thread that reads it).
 */
public final class KernelFilter {

    /** pcap_compile's netmask when none is known (only "ip broadcast" needs one). */
    private static final int PCAP_NETMASK_UNKNOWN = 0xffffffff;
    /**
     * {@code struct bpf_program { u_int bf_len; struct bpf_insn *bf_insns; }} and
     * {@code struct sock_fprog { unsigned short len; struct sock_filter *filter; }}: a count, then
     * a pointer at the next pointer-aligned offset (16 bytes each on x86_64). A
     * {@code struct bpf_insn} and a {@code struct sock_filter} are the same 8 bytes (u16 code,
     * u8 jt, u8 jf, u32 k), so libpcap's instructions go to the kernel as they are.
     */
    private static final int POINTER_OFFSET = Native.POINTER_SIZE;
    private static final int STRUCT_SIZE = 2 * Native.POINTER_SIZE;
    /** sock_fprog's length is an unsigned short. */
    private static final int MAX_INSTRUCTIONS = 0xFFFF;

    private KernelFilter() {
    }

    /**
     * Compiles {@code expression} (libpcap's filter syntax, optimised; "" lets every frame pass)
     * for {@code handle} and attaches it to the handle's socket in place of its filter.
     *
     * @throws PcapNativeException if libpcap cannot compile the expression (the message names it
     *         and gives libpcap's reason), the handle has no socket, or the kernel refuses the
     *         program (the message gives errno's text); the handle's filter is then unchanged
     * @throws NotOpenException if the handle is closed or being closed
     * @throws IllegalStateException if this pcap4j's {@code PcapHandle} is not 1.8.2's
     */
    public static void attach(PcapHandle handle, String expression) throws PcapNativeException, NotOpenException {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(expression, "expression");
        Pointer pcap = Handles.pcap(handle, "KernelFilter");
        Lock lock = Handles.readLock(handle, "KernelFilter");
        if (!lock.tryLock()) {
            throw new NotOpenException("the pcap handle is being closed");
        }
        try {
            if (!handle.isOpen() || pcap == null || Pointer.nativeValue(pcap) == 0) {
                throw new NotOpenException("the pcap handle is closed");
            }
            Memory program = new Memory(STRUCT_SIZE);
            program.clear();
            if (PcapNative.pcap_compile(pcap, program, expression, 1, PCAP_NETMASK_UNKNOWN) != 0) {
                throw new PcapNativeException("cannot compile the filter \"" + expression + "\": " + handle.getError());
            }
            try {
                attach(pcap, expression, program.getInt(0), program.getPointer(POINTER_OFFSET));
            } finally {
                PcapNative.pcap_freecode(program);
            }
        } finally {
            lock.unlock();
        }
    }

    private static void attach(Pointer pcap, String expression, int instructions, Pointer code)
            throws PcapNativeException {
        if (instructions <= 0 || instructions > MAX_INSTRUCTIONS || code == null) {
            throw new PcapNativeException("the filter \"" + expression + "\" compiled to "
                    + Integer.toUnsignedString(instructions) + " instructions; the kernel takes 1 to " + MAX_INSTRUCTIONS);
        }
        int fd = PcapNative.pcap_get_selectable_fd(pcap);
        if (fd < 0 || !packetSocket(fd)) {
            throw new PcapNativeException("the pcap handle has no capture socket to attach the filter \"" + expression
                    + "\" to (a live capture on Linux has one)");
        }
        Memory fprog = new Memory(STRUCT_SIZE);
        fprog.clear();
        fprog.setShort(0, (short) instructions);
        fprog.setPointer(POINTER_OFFSET, code);
        try {
            SocketNative.setsockopt(fd, SocketNative.SOL_SOCKET, SocketNative.SO_ATTACH_FILTER, fprog, STRUCT_SIZE);
        } catch (LastErrorException e) {
            int errno = e.getErrorCode();
            throw new PcapNativeException("setsockopt(SO_ATTACH_FILTER) refused the filter \"" + expression + "\": "
                    + SocketNative.strerror(errno) + " (errno " + errno + ")", errno);
        }
    }

    /**
     * Whether {@code fd} is a PF_PACKET socket: libpcap's descriptor of a handle that is no live
     * capture (pcap_open_dead, a savefile) is not -1 but 0 or a file's, never to be given a filter.
     */
    private static boolean packetSocket(int fd) {
        Memory domain = new Memory(4);
        Memory length = new Memory(4);
        length.setInt(0, 4);
        try {
            SocketNative.getsockopt(fd, SocketNative.SOL_SOCKET, SocketNative.SO_DOMAIN, domain, length);
        } catch (LastErrorException e) {
            return false; // not a socket (ENOTSOCK), or closed
        }
        return length.getInt(0) == 4 && domain.getInt(0) == SocketNative.AF_PACKET;
    }
}

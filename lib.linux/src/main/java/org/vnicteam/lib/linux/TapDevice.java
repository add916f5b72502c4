package org.vnicteam.lib.linux;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

import org.vnicteam.lib.linux.internal.LibC;
import org.vnicteam.lib.linux.internal.Tun;

/**
 * A Linux TAP interface, held open through /dev/net/tun: Ethernet frames the kernel sends out of
 * the interface are {@link #read read} here, frames {@link #write written} here are received by
 * the kernel as if they came in on the wire. The interface lives in the network namespace it was
 * opened in ({@link #open(NetNamespace, String)}); a TAP created here disappears when it is
 * {@link #close closed}, one that existed before (a persistent TAP, {@code ip tuntap add}) stays.
 *
 * <p>One thread reads (readers take turns) while others write and configure; {@link #close} wakes a
 * reader at once.
 * Every failure is an {@link IOException} naming the call, the interface and the errno text.
 */
public final class TapDevice implements Closeable {

    /** What {@link #read} returns once the device is closed. */
    public static final int CLOSED = -1;

    /** Largest frame read or written: a 64 KiB jumbo frame, far above any TAP's MTU. */
    private static final int MAX_FRAME = 65_536;
    private static final int POLLFD_SIZE = 8;

    private final String name;
    private final NetNamespace namespace;
    private final int fd;
    /** An AF_INET datagram socket of the interface's namespace: the interface ioctls go through it. */
    private final int socket;
    /** eventfd that {@link #close} signals to end a reader's poll at once. */
    private final int wakeup;
    /** Readers and writers hold the read lock while they use the descriptors; close takes the write lock. */
    private final ReentrantReadWriteLock use = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private final Memory readBuffer = new Memory(MAX_FRAME);
    private final byte[] pollfds;
    private final Memory writeBuffer = new Memory(MAX_FRAME);
    private final ByteBuffer writeView = writeBuffer.getByteBuffer(0, MAX_FRAME);

    private TapDevice(String name, NetNamespace namespace, int fd, int socket, int wakeup) {
        this.name = name;
        this.namespace = namespace;
        this.fd = fd;
        this.socket = socket;
        this.wakeup = wakeup;
        ByteBuffer p = ByteBuffer.allocate(2 * POLLFD_SIZE).order(ByteOrder.nativeOrder());
        p.putInt(0, fd).putShort(4, LibC.POLLIN).putInt(POLLFD_SIZE, wakeup).putShort(POLLFD_SIZE + 4, LibC.POLLIN);
        this.pollfds = p.array();
    }

    /**
     * Opens the TAP interface {@code name} in {@code namespace}: attaches to it if it exists (and
     * is a TAP without another reader), else creates it. Reads and writes never block.
     *
     * @param name interface name, 1..15 ASCII characters without '/', ':' or white space
     * @throws IOException if /dev/net/tun cannot be opened (root or CAP_NET_ADMIN is needed), the
     *         namespace does not exist, or the name is taken by something that is not a free TAP
     */
    public static TapDevice open(NetNamespace namespace, String name) throws IOException {
        checkName(name);
        return namespace.call(() -> {
            int fd = open(name);
            int socket = -1;
            int wakeup = -1;
            try {
                ByteBuffer ifr = Tun.ifreq(name);
                ifr.putShort(Tun.IFR_DATA_OFFSET, (short) (Tun.IFF_TAP | Tun.IFF_NO_PI));
                ioctl(fd, Tun.TUNSETIFF, ifr, "TUNSETIFF", name + " in " + namespace);
                socket = LibC.socket(Tun.AF_INET, Tun.SOCK_DGRAM | Tun.SOCK_CLOEXEC, 0);
                wakeup = Tun.eventfd(0, Tun.EFD_CLOEXEC | Tun.EFD_NONBLOCK);
                return new TapDevice(Tun.ifrName(ifr), namespace, fd, socket, wakeup);
            } catch (LastErrorException e) {
                closeQuietly(fd, socket, wakeup);
                throw LibC.io(socket < 0 ? "socket(AF_INET) for" : "eventfd for", "TAP " + name, e);
            } catch (IOException | RuntimeException e) {
                closeQuietly(fd, socket, wakeup);
                throw e;
            }
        });
    }

    private static int open(String name) throws IOException {
        try {
            return LibC.open(Tun.DEVICE, LibC.O_RDWR | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw LibC.io("open", Tun.DEVICE + " for TAP " + name, e);
        }
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty() || name.length() >= Tun.IFNAMSIZ) {
            throw new IllegalArgumentException("TAP interface name '" + name + "': 1.." + (Tun.IFNAMSIZ - 1)
                    + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '/' || c == ':' || c == '%') {
                throw new IllegalArgumentException("TAP interface name '" + name + "': character '" + c
                        + "' is not allowed");
            }
        }
    }

    /** The interface's name. */
    public String name() {
        return name;
    }

    /** The network namespace the interface lives in. */
    public NetNamespace namespace() {
        return namespace;
    }

    public boolean isOpen() {
        return !closed;
    }

    // ---- configuration (ioctls on the namespace's AF_INET socket) -----------------------------------

    /** Sets the interface's MAC address (6 bytes; the interface may be up). */
    public void setMac(byte[] mac) throws IOException {
        if (mac == null || mac.length != 6) {
            throw new IllegalArgumentException("TAP " + name + ": a MAC address has 6 bytes");
        }
        ByteBuffer ifr = Tun.ifreq(name);
        Tun.putHwaddr(ifr, mac);
        interfaceIoctl(Tun.SIOCSIFHWADDR, ifr, "SIOCSIFHWADDR");
    }

    /** The interface's MAC address. */
    public byte[] mac() throws IOException {
        ByteBuffer ifr = Tun.ifreq(name);
        interfaceIoctl(Tun.SIOCGIFHWADDR, ifr, "SIOCGIFHWADDR");
        byte[] mac = new byte[6];
        ifr.get(Tun.IFR_DATA_OFFSET + 2, mac);
        return mac;
    }

    /** Sets the MTU (68..65535 for IPv4; the kernel refuses what the device cannot take). */
    public void setMtu(int mtu) throws IOException {
        ByteBuffer ifr = Tun.ifreq(name);
        ifr.putInt(Tun.IFR_DATA_OFFSET, mtu);
        interfaceIoctl(Tun.SIOCSIFMTU, ifr, "SIOCSIFMTU " + mtu + " on");
    }

    public int mtu() throws IOException {
        ByteBuffer ifr = Tun.ifreq(name);
        interfaceIoctl(Tun.SIOCGIFMTU, ifr, "SIOCGIFMTU");
        return ifr.getInt(Tun.IFR_DATA_OFFSET);
    }

    /** The interface index in its namespace. */
    public int index() throws IOException {
        ByteBuffer ifr = Tun.ifreq(name);
        interfaceIoctl(Tun.SIOCGIFINDEX, ifr, "SIOCGIFINDEX");
        return ifr.getInt(Tun.IFR_DATA_OFFSET);
    }

    /**
     * Sets the interface's IPv4 address and prefix length (its primary address; the kernel adds
     * the route to the subnet).
     *
     * @param address four bytes
     * @param prefix 1..32
     */
    public void setAddress(byte[] address, int prefix) throws IOException {
        if (address == null || address.length != 4) {
            throw new IllegalArgumentException("TAP " + name + ": an IPv4 address has 4 bytes");
        }
        if (prefix < 1 || prefix > 32) {
            throw new IllegalArgumentException("TAP " + name + ": prefix length " + prefix + " is not 1..32");
        }
        ByteBuffer ifr = Tun.ifreq(name);
        Tun.putSockaddrIn(ifr, address);
        interfaceIoctl(Tun.SIOCSIFADDR, ifr, "SIOCSIFADDR");
        int mask = (int) (0xffffffffL << (32 - prefix));
        ifr = Tun.ifreq(name);
        Tun.putSockaddrIn(ifr, new byte[] { (byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8),
                (byte) mask });
        interfaceIoctl(Tun.SIOCSIFNETMASK, ifr, "SIOCSIFNETMASK /" + prefix + " on");
    }

    /** Brings the interface up (IFF_UP) or down, leaving its other flags. */
    public void setUp(boolean up) throws IOException {
        ByteBuffer ifr = Tun.ifreq(name);
        interfaceIoctl(Tun.SIOCGIFFLAGS, ifr, "SIOCGIFFLAGS");
        short flags = ifr.getShort(Tun.IFR_DATA_OFFSET);
        ifr.putShort(Tun.IFR_DATA_OFFSET, (short) (up ? flags | Tun.IFF_UP : flags & ~Tun.IFF_UP));
        interfaceIoctl(Tun.SIOCSIFFLAGS, ifr, "SIOCSIFFLAGS");
    }

    public boolean isUp() throws IOException {
        ByteBuffer ifr = Tun.ifreq(name);
        interfaceIoctl(Tun.SIOCGIFFLAGS, ifr, "SIOCGIFFLAGS");
        return (ifr.getShort(Tun.IFR_DATA_OFFSET) & Tun.IFF_UP) != 0;
    }

    /**
     * Sets the carrier as a NIC's PHY would: without it an up interface shows NO-CARRIER, its
     * operational state is DOWN and the kernel sends nothing through it.
     */
    public void setCarrier(boolean on) throws IOException {
        byte[] arg = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, on ? 1 : 0).array();
        enter("TUNSETCARRIER");
        try {
            LibC.ioctl(fd, Tun.TUNSETCARRIER, arg);
        } catch (LastErrorException e) {
            throw LibC.io("TUNSETCARRIER " + (on ? "on" : "off"), "on TAP " + name, e);
        } finally {
            use.readLock().unlock();
        }
    }

    private void interfaceIoctl(long request, ByteBuffer ifr, String call) throws IOException {
        enter(call);
        try {
            ioctl(socket, request, ifr, call, "TAP " + name + " in " + namespace);
        } finally {
            use.readLock().unlock();
        }
    }

    private static void ioctl(int fd, long request, ByteBuffer ifr, String call, String what) throws IOException {
        try {
            LibC.ioctl(fd, request, ifr.array());
        } catch (LastErrorException e) {
            throw LibC.io(call, what, e);
        }
    }

    // ---- frames -------------------------------------------------------------------------------------

    /**
     * Reads the next frame the kernel sent out of the interface, waiting at most
     * {@code timeoutMillis}.
     *
     * @return the frame's length (a longer frame is cut to {@code buf.length}), 0 if none came in
     *         time, {@link #CLOSED} once the device is closed
     */
    public int read(byte[] buf, int timeoutMillis) throws IOException {
        if (!use.readLock().tryLock()) {
            return CLOSED; // close() holds or waits for the write lock
        }
        try {
            synchronized (readBuffer) {
                if (closed) {
                    return CLOSED;
                }
                // under load a frame is usually waiting: read first, poll only when there was none
                int n = readNow(buf);
                if (n > 0) {
                    return n;
                }
                int ready = LibC.poll(pollfds, 2, Math.max(0, timeoutMillis));
                if (ready <= 0 || closed) {
                    return closed ? CLOSED : 0;
                }
                return readNow(buf);
            }
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Tun.EINTR) {
                return 0;
            }
            throw LibC.io("poll", "TAP " + name, e);
        } finally {
            use.readLock().unlock();
        }
    }

    /** One frame if one is waiting, else 0 (the descriptor is non-blocking). */
    private int readNow(byte[] buf) throws IOException {
        try {
            int n = (int) LibC.read(fd, readBuffer, Math.min(buf.length, MAX_FRAME));
            readBuffer.read(0, buf, 0, n);
            return n;
        } catch (LastErrorException e) {
            int errno = e.getErrorCode();
            if (errno == Tun.EAGAIN || errno == Tun.EINTR) {
                return 0;
            }
            throw LibC.io("read", "TAP " + name, e);
        }
    }

    /**
     * Hands a frame to the kernel as received on the interface. Never blocks.
     *
     * @return false when the kernel cannot take it now (EAGAIN) or the interface is down (EIO):
     *         the caller counts the drop
     * @throws IOException when closed, or the kernel refuses the frame itself (e.g. EINVAL)
     */
    public boolean write(byte[] frame, int offset, int length) throws IOException {
        checkBounds(frame.length, offset, length);
        return write(ByteBuffer.wrap(frame), offset, length);
    }

    /** As {@link #write(byte[], int, int)}, from a heap or direct buffer (its position is not used). */
    public boolean write(ByteBuffer frame, int offset, int length) throws IOException {
        checkBounds(frame.limit(), offset, length);
        enter("write");
        try {
            synchronized (writeBuffer) {
                writeView.put(0, frame, offset, length);
                LibC.write(fd, writeBuffer, length);
            }
            return true;
        } catch (LastErrorException e) {
            int errno = e.getErrorCode();
            if (errno == Tun.EAGAIN || errno == Tun.EIO) {
                return false;
            }
            throw LibC.io("write " + length + " bytes", "to TAP " + name, e);
        } finally {
            use.readLock().unlock();
        }
    }

    private void checkBounds(int capacity, int offset, int length) {
        if (offset < 0 || length <= 0 || length > MAX_FRAME || offset + length > capacity) {
            throw new IllegalArgumentException("TAP " + name + ": bad frame bounds offset " + offset + " length "
                    + length + " (buffer " + capacity + ", at most " + MAX_FRAME + ")");
        }
    }

    /** Takes the read lock for a call on the descriptors; refuses once closed. */
    private void enter(String call) throws IOException {
        use.readLock().lock();
        if (closed) {
            use.readLock().unlock();
            throw new IOException(call + " on TAP " + name + ": the device is closed");
        }
    }

    /**
     * Closes the device: a reader returns {@link #CLOSED} at once, and the interface disappears
     * unless it is persistent. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            LibC.write(wakeup, ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, 1).array(), 8);
        } catch (LastErrorException e) {
            // the counter cannot overflow from one write; a reader then ends at its timeout
        }
        use.writeLock().lock(); // waits for a reader to leave poll (woken above) and for writers
        try {
            closeQuietly(fd, socket, wakeup);
        } finally {
            use.writeLock().unlock();
        }
    }

    private static void closeQuietly(int... fds) {
        for (int f : fds) {
            if (f >= 0) {
                try {
                    LibC.close(f);
                } catch (LastErrorException e) {
                    // nothing left to do with it
                }
            }
        }
    }

    @Override
    public String toString() {
        return "TAP " + name + (namespace.isCurrent() ? "" : " in " + namespace) + (closed ? " (closed)" : "");
    }
}

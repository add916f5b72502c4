package org.vnicteam.lib.linux.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * What a TAP device needs beyond {@link LibC}: the ioctl numbers of /dev/net/tun and of the
 * interface calls on an AF_INET socket (linux/if_tun.h, linux/sockios.h), {@code struct ifreq}
 * as a byte array, and eventfd(2) to wake a reader blocked in poll(2).
 */
public final class Tun {

    public static final String DEVICE = "/dev/net/tun";

    public static final long TUNSETIFF = 0x400454caL;
    /** _IOW('T', 226, int): the argument is a pointer to an int. */
    public static final long TUNSETCARRIER = 0x400454e2L;
    public static final short IFF_TAP = 0x0002;
    public static final short IFF_NO_PI = 0x1000;

    public static final long SIOCGIFFLAGS = 0x8913;
    public static final long SIOCSIFFLAGS = 0x8914;
    public static final long SIOCSIFADDR = 0x8916;
    public static final long SIOCSIFNETMASK = 0x891c;
    public static final long SIOCGIFMTU = 0x8921;
    public static final long SIOCSIFMTU = 0x8922;
    public static final long SIOCSIFHWADDR = 0x8924;
    public static final long SIOCGIFHWADDR = 0x8927;
    public static final long SIOCGIFINDEX = 0x8933;
    public static final short IFF_UP = 0x1;

    public static final int AF_INET = 2;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final short ARPHRD_ETHER = 1;

    public static final int EFD_CLOEXEC = 0x80000;
    public static final int EFD_NONBLOCK = 0x800;

    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EAGAIN = 11;

    /** Interface names hold at most 15 bytes and a NUL (IFNAMSIZ). */
    public static final int IFNAMSIZ = 16;
    /** sizeof(struct ifreq) on 64-bit Linux; 32-bit kernels read fewer bytes of it. */
    public static final int IFREQ_SIZE = 40;
    /** Where the union of struct ifreq starts (flags, mtu, ifindex, sockaddr). */
    public static final int IFR_DATA_OFFSET = IFNAMSIZ;

    static {
        Native.register(Tun.class, Platform.C_LIBRARY_NAME);
    }

    private Tun() {
    }

    public static native int eventfd(int initval, int flags) throws LastErrorException;

    /** A struct ifreq for that interface name, the rest zero; fields in the machine's byte order. */
    public static ByteBuffer ifreq(String name) {
        ByteBuffer b = ByteBuffer.allocate(IFREQ_SIZE).order(ByteOrder.nativeOrder());
        b.put(0, name.getBytes(StandardCharsets.US_ASCII));
        return b;
    }

    /** The NUL-terminated ifr_name of a struct ifreq. */
    public static String ifrName(ByteBuffer ifreq) {
        byte[] a = ifreq.array();
        int n = 0;
        while (n < IFNAMSIZ && a[n] != 0) {
            n++;
        }
        return new String(a, 0, n, StandardCharsets.US_ASCII);
    }

    /** ifr_addr / ifr_netmask as a struct sockaddr_in (family, port 0, the address in network order). */
    public static void putSockaddrIn(ByteBuffer ifreq, byte[] ipv4) {
        ifreq.putShort(IFR_DATA_OFFSET, (short) AF_INET);
        ifreq.put(IFR_DATA_OFFSET + 4, ipv4);
    }

    /** ifr_hwaddr as a struct sockaddr of family ARPHRD_ETHER. */
    public static void putHwaddr(ByteBuffer ifreq, byte[] mac) {
        ifreq.putShort(IFR_DATA_OFFSET, ARPHRD_ETHER);
        ifreq.put(IFR_DATA_OFFSET + 2, mac);
    }
}

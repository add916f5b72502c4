package org.vnicteam.lib.linux.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The libc calls the rtnetlink link monitor needs beyond {@link LibC}, and the socket constants it
 * uses. {@link #recv} reads into native memory: the monitor's 64 KiB buffer is not copied between
 * the Java heap and C at every read.
 */
public final class Netlink {

    public static final int AF_NETLINK = 16;
    public static final int NETLINK_ROUTE = 0;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = 0x80000;
    /** The multicast group of link (interface) notifications. */
    public static final int RTMGRP_LINK = 1;
    public static final int SOL_SOCKET = 1;
    public static final int SO_RCVBUF = 8;
    public static final int MSG_DONTWAIT = 0x40;

    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int ENODEV = 19;
    /** The socket's receive queue overflowed: notifications were lost. */
    public static final int ENOBUFS = 105;

    static {
        if (!Platform.isLinux()) {
            throw new UnsupportedOperationException("org.vnicteam.lib.linux works on Linux only");
        }
        Native.register(Netlink.class, Platform.C_LIBRARY_NAME);
    }

    private Netlink() {
    }

    public static native long recv(int fd, Pointer buffer, long count, int flags) throws LastErrorException;

    public static native int setsockopt(int fd, int level, int name, int[] value, int length)
            throws LastErrorException;
}

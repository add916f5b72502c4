package org.vnicteam.lib.pcap4j.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The libc calls this bundle makes on a capture's socket, by JNA direct mapping. (lib.linux has
 * its own libc bindings, but it depends on this bundle, not the other way round.)
 */
public final class SocketNative {

    public static final int SOL_SOCKET = 1;
    /** Attaches a classic BPF program ({@code struct sock_fprog}) in place of the socket's filter. */
    public static final int SO_ATTACH_FILTER = 26;
    /** The socket's address family (an int). */
    public static final int SO_DOMAIN = 39;
    public static final int AF_PACKET = 17;

    static {
        Native.register(SocketNative.class, Platform.C_LIBRARY_NAME);
    }

    private SocketNative() {
    }

    /** {@code int setsockopt(int fd, int level, int optname, const void *optval, socklen_t optlen)}. */
    public static native int setsockopt(int fd, int level, int name, Pointer value, int length)
            throws LastErrorException;

    /** {@code int getsockopt(int fd, int level, int optname, void *optval, socklen_t *optlen)}. */
    public static native int getsockopt(int fd, int level, int name, Pointer value, Pointer length)
            throws LastErrorException;

    public static native String strerror(int errno);
}

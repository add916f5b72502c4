package org.vnicteam.lib.linux.internal;

import java.io.IOException;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The libc calls this bundle needs, by JNA direct mapping (no reflection per call). Each throws
 * {@link LastErrorException} with errno on failure; {@link #io} turns that into a readable
 * IOException.
 */
public final class LibC {

    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 2;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    public static final int CLONE_NEWNET = 0x40000000;
    public static final short POLLIN = 1;

    static {
        if (!Platform.isLinux()) {
            throw new UnsupportedOperationException("org.vnicteam.lib.linux works on Linux only");
        }
        Native.register(LibC.class, Platform.C_LIBRARY_NAME);
    }

    private LibC() {
    }

    public static native int open(String path, int flags) throws LastErrorException;

    public static native int close(int fd) throws LastErrorException;

    public static native int setns(int fd, int nstype) throws LastErrorException;

    public static native int ioctl(int fd, long request, byte[] arg) throws LastErrorException;

    public static native int socket(int domain, int type, int protocol) throws LastErrorException;

    public static native int bind(int fd, byte[] address, int length) throws LastErrorException;

    /** ssize_t read(int, void*, size_t) into a heap array: JNA copies back only what was read. */
    public static native long read(int fd, byte[] buffer, long count) throws LastErrorException;

    public static native long read(int fd, Pointer buffer, long count) throws LastErrorException;

    public static native long write(int fd, byte[] buffer, long count) throws LastErrorException;

    public static native long write(int fd, Pointer buffer, long count) throws LastErrorException;

    public static native long recv(int fd, byte[] buffer, long count, int flags) throws LastErrorException;

    public static native long send(int fd, byte[] buffer, long count, int flags) throws LastErrorException;

    /** int poll(struct pollfd *fds, nfds_t nfds, int timeout); pollfd = {int fd; short events; short revents}. */
    public static native int poll(byte[] fds, long nfds, int timeoutMillis) throws LastErrorException;

    public static native String strerror(int errno);

    /** An IOException naming the call and what it was applied to, with errno's text. */
    public static IOException io(String call, String what, LastErrorException e) {
        int errno = e.getErrorCode();
        return new IOException(call + " " + what + ": " + strerror(errno) + " (errno " + errno + ")", e);
    }
}

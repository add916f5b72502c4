package org.vnicteam.lib.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

import org.vnicteam.lib.linux.internal.LibC;
import org.vnicteam.lib.linux.internal.Netlink;
import org.vnicteam.lib.linux.internal.Rtnetlink;

/**
 * Follows the state of network interfaces of one network namespace through rtnetlink: a
 * NETLINK_ROUTE socket subscribed to RTMGRP_LINK, read by one daemon thread. A carrier change is
 * an RTM_NEWLINK the kernel sends as it happens, so a watcher hears of it within microseconds and
 * nothing polls the interface. Current state comes from RTM_GETLINK on the same socket, never from
 * /sys/class/net (which shows the namespace sysfs was mounted in, not the socket's).
 *
 * <p>Callbacks run on the monitor thread, one at a time, in the kernel's order: they must not
 * block (and must not call {@link #query} or {@link #setAdminUp}, which wait for that thread).
 * {@link #statistics} has a socket of its own and answers on the caller's thread, callbacks included.
 * {@link #close()} ends the thread within about {@value #POLL_MILLIS} ms.
 */
public final class LinkMonitor implements AutoCloseable {

    /** How long the thread sleeps in poll(2) before it looks whether it was closed. */
    public static final int POLL_MILLIS = 50;
    /** How long a request waits for the kernel's answer. */
    public static final long REQUEST_TIMEOUT_MILLIS = 2000;

    private static final Logger LOG = Logger.getLogger(LinkMonitor.class.getName());
    /** Socket receive queue: room for a burst of notifications (the kernel caps it at rmem_max). */
    private static final int SOCKET_BUFFER = 1 << 20;
    /** One datagram: a link message with every attribute is a few KiB. */
    private static final int READ_BUFFER = 64 * 1024;
    private static final short POLLIN = 1;
    private static final HexFormat MAC_FORMAT = HexFormat.ofDelimiter(":");

    private final NetNamespace namespace;
    private final int fd;
    private final Memory buffer = new Memory(READ_BUFFER);
    /** Answers {@link #statistics} alone (no groups), so that the monitor thread is never waited for. */
    private final Object statsLock = new Object();
    private int statsFd; // -1 once closed; under statsLock, as are the two below
    private int statsSeq;
    private final Memory statsBuffer = new Memory(READ_BUFFER);
    private final Thread thread;
    private final AtomicInteger sequence = new AtomicInteger();
    private final ConcurrentHashMap<Integer, Request> requests = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Watch> watches = new CopyOnWriteArrayList<>();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong overruns = new AtomicLong();
    private volatile boolean closed;

    private LinkMonitor(NetNamespace namespace, int fd, int statsFd) {
        this.namespace = namespace;
        this.fd = fd;
        this.statsFd = statsFd;
        this.thread = new Thread(this::run, "link monitor " + namespace);
        thread.setDaemon(true);
    }

    /**
     * Opens a monitor of the interfaces of {@code namespace}.
     *
     * @throws IOException if the namespace does not exist or the socket cannot be opened (the
     *         message names which)
     */
    public static LinkMonitor open(NetNamespace namespace) throws IOException {
        int[] fds = namespace.call(() -> {
            int events = openSocket(Netlink.RTMGRP_LINK);
            try {
                return new int[] { events, openSocket(0) };
            } catch (IOException e) {
                LibC.close(events);
                throw e;
            }
        });
        LinkMonitor monitor = new LinkMonitor(namespace, fds[0], fds[1]);
        monitor.thread.start();
        return monitor;
    }

    private static int openSocket(int groups) throws IOException {
        int fd;
        try {
            fd = LibC.socket(Netlink.AF_NETLINK, Netlink.SOCK_RAW | Netlink.SOCK_CLOEXEC, Netlink.NETLINK_ROUTE);
        } catch (LastErrorException e) {
            throw LibC.io("socket", "NETLINK_ROUTE", e);
        }
        String step = "setsockopt SO_RCVBUF";
        try {
            Netlink.setsockopt(fd, Netlink.SOL_SOCKET, Netlink.SO_RCVBUF, new int[] { SOCKET_BUFFER }, 4);
            step = "bind";
            byte[] address = Rtnetlink.socketAddress(groups);
            LibC.bind(fd, address, address.length);
            return fd;
        } catch (LastErrorException e) {
            LibC.close(fd);
            throw LibC.io(step, "NETLINK_ROUTE socket (groups " + groups + ")", e);
        }
    }

    public NetNamespace namespace() {
        return namespace;
    }

    /**
     * Watches one interface by name: {@code listener} gets its current state first, then every
     * change (existence, index, IFF_UP, carrier, address, MTU), on the monitor thread. Called from
     * another thread, this returns once the current state was delivered; called from a callback,
     * at once (the state follows).
     *
     * @throws IOException if the kernel does not answer, or the monitor is closed
     * @throws IllegalArgumentException if the name cannot be an interface name
     */
    public Watch watch(String ifName, Consumer<LinkState> listener) throws IOException {
        Rtnetlink.checkName(ifName);
        Watch watch = new Watch(ifName, Objects.requireNonNull(listener, "listener"));
        watches.add(watch);
        try {
            Request r = request(Kind.GET, ifName, watch, seq -> Rtnetlink.getLink(seq, ifName));
            if (Thread.currentThread() != thread) {
                await(r);
            }
        } catch (IOException | RuntimeException e) {
            watches.remove(watch);
            throw e;
        }
        return watch;
    }

    /**
     * The current state of one interface (absent ones too).
     *
     * @throws IOException if the kernel does not answer, or the monitor is closed
     */
    public LinkState query(String ifName) throws IOException {
        Rtnetlink.checkName(ifName);
        return await(request(Kind.GET, ifName, null, seq -> Rtnetlink.getLink(seq, ifName)));
    }

    /**
     * Sets the interface administratively up or down, as {@code ip link set NAME up|down} does (one
     * RTM_NEWLINK, acknowledged), in the monitor's namespace.
     *
     * @throws IOException with the kernel's reason, e.g. "No such device"
     */
    public void setAdminUp(String ifName, boolean up) throws IOException {
        Rtnetlink.checkName(ifName);
        await(request(Kind.SET, ifName, null, seq -> Rtnetlink.setAdminUp(seq, ifName, up)));
    }

    /**
     * The interface's kernel counters (IFLA_STATS64), read now: one RTM_GETLINK on a socket of its
     * own, answered on the calling thread (a monitor callback may call it). Takes tens of
     * microseconds; callers are served one at a time.
     *
     * @throws IOException if the interface does not exist, the kernel does not answer within
     *         {@value #REQUEST_TIMEOUT_MILLIS} ms, or the monitor is closed
     * @throws IllegalArgumentException if the name cannot be an interface name
     */
    public LinkStatistics statistics(String ifName) throws IOException {
        Rtnetlink.checkName(ifName);
        synchronized (statsLock) {
            if (statsFd < 0) {
                throw new IOException(this + " is closed");
            }
            int seq = ++statsSeq == 0 ? ++statsSeq : statsSeq; // 0 is what notifications carry
            byte[] m = Rtnetlink.getLink(seq, ifName);
            try {
                LibC.send(statsFd, m, m.length, 0);
            } catch (LastErrorException e) {
                throw LibC.io("send", "rtnetlink statistics request about " + ifName + " in " + namespace, e);
            }
            StatsAnswer answer = new StatsAnswer(seq);
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REQUEST_TIMEOUT_MILLIS);
            while (!answer.done) {
                long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
                if (left <= 0) {
                    throw new IOException("no statistics from rtnetlink about " + ifName + " in " + namespace
                            + " within " + REQUEST_TIMEOUT_MILLIS + " ms");
                }
                readStats(answer, (int) Math.min(left, POLL_MILLIS));
            }
            if (answer.errno != 0) {
                throw new IOException("RTM_GETLINK " + ifName + " in " + namespace + ": "
                        + LibC.strerror(answer.errno) + " (errno " + answer.errno + ")");
            }
            if (answer.stats == null) {
                throw new IOException("RTM_GETLINK " + ifName + " in " + namespace + ": no IFLA_STATS64 in the answer");
            }
            return answer.stats;
        }
    }

    /** Waits up to {@code millis} for the statistics socket and parses what it holds; under statsLock. */
    private void readStats(StatsAnswer answer, int millis) throws IOException {
        byte[] pollFd = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(0, statsFd)
                .putShort(4, POLLIN).array();
        long n;
        try {
            if (LibC.poll(pollFd, 1, millis) <= 0) {
                return;
            }
            n = Netlink.recv(statsFd, statsBuffer, READ_BUFFER, Netlink.MSG_DONTWAIT);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Netlink.EINTR || e.getErrorCode() == Netlink.EAGAIN) {
                return;
            }
            throw LibC.io("recv", "rtnetlink statistics socket in " + namespace, e);
        }
        if (n > 0) {
            Rtnetlink.parse(statsBuffer.getByteBuffer(0, n), (int) n, answer);
        }
    }

    /** Picks the answer to one statistics request out of what the socket holds (late answers to earlier ones too). */
    private final class StatsAnswer implements Rtnetlink.Visitor {
        final int seq;
        boolean done;
        int errno;
        LinkStatistics stats;

        StatsAnswer(int seq) {
            this.seq = seq;
        }

        @Override
        public void link(Rtnetlink.Link link) {
            if (link.seq() == seq) {
                stats = link.stats();
                done = true;
            }
        }

        @Override
        public void error(int seq, int errno) {
            if (seq == this.seq) {
                this.errno = errno;
                done = true;
            }
        }

        @Override
        public void malformed(String why) {
            countMalformed(why);
        }
    }

    /** A message that did not parse: counted, and logged the first time. */
    private void countMalformed(String why) {
        long count = malformed.incrementAndGet();
        LOG.log(count == 1 ? Level.WARNING : Level.FINE, "{0}: malformed rtnetlink message ({1})",
                new Object[] { this, why });
    }

    public Counters counters() {
        return new Counters(messages.get(), malformed.get(), overruns.get());
    }

    /** Stops the thread (within about {@value #POLL_MILLIS} ms) and closes the sockets; idempotent. */
    @Override
    public void close() {
        closed = true;
        synchronized (statsLock) {
            if (statsFd >= 0) {
                LibC.close(statsFd);
                statsFd = -1;
            }
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(10L * POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether the monitor thread still runs. */
    public boolean isAlive() {
        return thread.isAlive();
    }

    @Override
    public String toString() {
        return "link monitor of " + namespace;
    }

    // ---- requests -------------------------------------------------------------------------------

    private enum Kind {
        /** RTM_GETLINK: answered by RTM_NEWLINK, or an error (ENODEV: absent). */
        GET,
        /** RTM_NEWLINK with NLM_F_ACK: answered by an error message, 0 = done. */
        SET
    }

    private record Request(Kind kind, String name, Watch watch, CompletableFuture<LinkState> result) {
    }

    private Request request(Kind kind, String name, Watch watch, IntFunction<byte[]> message) throws IOException {
        if (closed) {
            throw new IOException(this + " is closed");
        }
        int seq = sequence.incrementAndGet();
        if (seq == 0) { // 0 is what notifications carry
            seq = sequence.incrementAndGet();
        }
        Request r = new Request(kind, name, watch, new CompletableFuture<>());
        requests.put(seq, r);
        byte[] m = message.apply(seq);
        try {
            LibC.send(fd, m, m.length, 0);
        } catch (LastErrorException e) {
            requests.remove(seq);
            throw LibC.io("send", "rtnetlink request about " + name + " in " + namespace, e);
        }
        return r;
    }

    private LinkState await(Request r) throws IOException {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("a link monitor callback must not wait for the monitor");
        }
        try {
            return r.result.get(REQUEST_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for rtnetlink about " + r.name, e);
        } catch (TimeoutException e) {
            requests.values().remove(r);
            throw new IOException("no answer from rtnetlink about " + r.name + " in " + namespace + " within "
                    + REQUEST_TIMEOUT_MILLIS + " ms");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    // ---- the monitor thread -----------------------------------------------------------------

    private void run() {
        byte[] pollFd = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(0, fd).putShort(4, POLLIN)
                .array();
        Receiver receiver = new Receiver();
        try {
            while (!closed) {
                int ready;
                try {
                    ready = LibC.poll(pollFd, 1, POLL_MILLIS);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == Netlink.EINTR) {
                        continue;
                    }
                    LOG.log(Level.SEVERE, this + ": poll failed, the monitor stops", e);
                    return;
                }
                if (ready > 0 && !drain(receiver)) {
                    return;
                }
            }
        } finally {
            closed = true;
            LibC.close(fd);
            IOException gone = new IOException(this + " is closed");
            requests.values().forEach(r -> r.result.completeExceptionally(gone));
            requests.clear();
        }
    }

    /** Reads every datagram waiting; false if the socket failed for good. */
    private boolean drain(Receiver receiver) {
        while (!closed) {
            long n;
            try {
                n = Netlink.recv(fd, buffer, READ_BUFFER, Netlink.MSG_DONTWAIT);
            } catch (LastErrorException e) {
                switch (e.getErrorCode()) {
                    case Netlink.EAGAIN:
                        return true;
                    case Netlink.EINTR:
                        continue;
                    case Netlink.ENOBUFS:
                        // Notifications were lost: ask again for everything watched.
                        overruns.incrementAndGet();
                        resynchronise();
                        continue;
                    default:
                        LOG.log(Level.SEVERE, this + ": recv failed, the monitor stops", e);
                        return false;
                }
            }
            receiver.nanoTime = System.nanoTime();
            if (n <= 0) {
                return true;
            }
            int length = (int) n;
            Rtnetlink.parse(buffer.getByteBuffer(0, length), length, receiver);
        }
        return true;
    }

    private void resynchronise() {
        for (Watch w : watches) {
            try {
                request(Kind.GET, w.name, null, seq -> Rtnetlink.getLink(seq, w.name));
            } catch (IOException e) {
                LOG.log(Level.WARNING, this + ": could not ask again about " + w.name, e);
            }
        }
    }

    /** Turns parsed messages into states for the watches; runs on the monitor thread only. */
    private final class Receiver implements Rtnetlink.Visitor {

        long nanoTime;

        @Override
        public void link(Rtnetlink.Link link) {
            messages.incrementAndGet();
            LinkState state = link.deleted() ? LinkState.missing(link.name(), link.index(), nanoTime)
                    : new LinkState(link.name(), link.index(), true, link.adminUp(), link.hasCarrier(),
                            link.address().length == 0 ? "" : MAC_FORMAT.formatHex(link.address()), link.mtu(),
                            nanoTime);
            Request r = link.seq() == 0 ? null : requests.get(link.seq());
            if (r != null && r.kind == Kind.GET) {
                requests.remove(link.seq());
                dispatch(state, r);
                r.result.complete(state);
            } else {
                dispatch(state, null);
            }
        }

        @Override
        public void error(int seq, int errno) {
            messages.incrementAndGet();
            Request r = requests.remove(seq);
            if (r == null) {
                return;
            }
            if (r.kind == Kind.GET && errno == Netlink.ENODEV) {
                LinkState state = LinkState.missing(r.name, 0, nanoTime);
                dispatch(state, r);
                r.result.complete(state);
            } else if (errno == 0) {
                r.result.complete(null);
            } else {
                r.result.completeExceptionally(new IOException((r.kind == Kind.GET ? "RTM_GETLINK " : "RTM_NEWLINK ")
                        + r.name + " in " + namespace + ": " + LibC.strerror(errno) + " (errno " + errno + ")"));
            }
        }

        @Override
        public void malformed(String why) {
            countMalformed(why);
        }

        private void dispatch(LinkState state, Request answered) {
            for (Watch w : watches) {
                if (answered != null && answered.watch == w) {
                    w.deliver(state, true);
                } else if (!w.initialised) {
                    continue; // its own answer comes later and already includes this
                } else if (w.name.equals(state.name())) {
                    w.deliver(state, false);
                } else if (state.exists() && w.last.exists() && w.last.index() == state.index()) {
                    // the watched interface was renamed: for its old name, it is gone
                    w.deliver(LinkState.missing(w.name, state.index(), state.nanoTime()), false);
                }
            }
        }
    }

    /** One interface watched by name. */
    public final class Watch implements AutoCloseable {

        private final String name;
        private final Consumer<LinkState> listener;
        // monitor thread only, except reads of last
        private boolean initialised;
        private volatile LinkState last;

        private Watch(String name, Consumer<LinkState> listener) {
            this.name = name;
            this.listener = listener;
        }

        public String name() {
            return name;
        }

        /** The state last delivered, {@code null} before the first. */
        public LinkState state() {
            return last;
        }

        private void deliver(LinkState state, boolean initial) {
            if (!initial && state.sameAs(last)) {
                return;
            }
            initialised = true;
            last = state;
            try {
                listener.accept(state);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "listener of " + name + " on " + LinkMonitor.this + " failed", e);
            }
        }

        /** Stops delivering to this watch's listener. */
        @Override
        public void close() {
            watches.remove(this);
        }

        @Override
        public String toString() {
            return "watch of " + name + " on " + LinkMonitor.this;
        }
    }

    /**
     * @param messages link and error messages read
     * @param malformed messages that did not parse (dropped)
     * @param overruns times the socket's queue overflowed (each followed by fresh queries)
     */
    public record Counters(long messages, long malformed, long overruns) {
    }
}

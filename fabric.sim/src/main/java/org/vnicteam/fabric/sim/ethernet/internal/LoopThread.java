package org.vnicteam.fabric.sim.ethernet.internal;

import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.vnicteam.fabric.sim.ethernet.EventLoop;

/**
 * An event loop on its own daemon thread: control tasks (a lock-free queue), timers (a heap only
 * the loop touches) and, in a subclass, more work (the segment's frame queue). Posters only
 * enqueue and wake the thread; the thread spins briefly when idle, then parks until the next
 * timer or a wake-up.
 */
public class LoopThread implements EventLoop.Threaded, Runnable {

    private static final Logger LOG = Logger.getLogger(LoopThread.class.getName());
    private static final int SPINS_BEFORE_PARK = 500;
    /** Parking is woken by posters; the cap only bounds the damage of a lost wake-up. */
    private static final long MAX_PARK_NANOS = 50_000_000L;

    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private long timerSeq;
    private volatile boolean sleeping;
    private volatile boolean running = true;

    public LoopThread(String threadName) {
        thread = new Thread(this, threadName);
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public boolean inEventLoop() {
        return Thread.currentThread() == thread;
    }

    public boolean running() {
        return running;
    }

    @Override
    public void execute(Runnable task) {
        if (!running) {
            return;
        }
        tasks.add(task);
        wake();
    }

    @Override
    public Cancellable schedule(long delayNanos, Runnable task) {
        Timer t = new Timer(nanoTime() + Math.max(0, delayNanos), task);
        if (inEventLoop()) {
            add(t);
        } else {
            execute(() -> add(t));
        }
        return t;
    }

    private void add(Timer t) {
        t.seq = timerSeq++;
        timers.add(t);
    }

    /** Wakes the thread if it is parked; posters call it after enqueueing work. */
    protected final void wake() {
        if (sleeping) {
            LockSupport.unpark(thread);
        }
    }

    /** More work of a subclass, done on the loop; returns whether there was any. */
    protected boolean pollWork(long now) {
        return false;
    }

    /** Whether a subclass has work waiting (checked before parking). */
    protected boolean hasWork() {
        return false;
    }

    @Override
    public void run() {
        int idle = 0;
        while (running) {
            long now = System.nanoTime();
            boolean worked = runTasks();
            worked |= pollWork(now);
            worked |= fireTimers(now);
            if (worked) {
                idle = 0;
            } else if (++idle < SPINS_BEFORE_PARK) {
                Thread.onSpinWait();
            } else {
                park();
                idle = 0;
            }
        }
        tasks.clear();
        timers.clear();
    }

    private boolean runTasks() {
        boolean any = false;
        Runnable r;
        // bounded, so that frames and timers keep their turn under a storm of tasks
        for (int n = 0; n < 1024 && (r = tasks.poll()) != null; n++) {
            any = true;
            run(r);
        }
        return any;
    }

    private boolean fireTimers(long now) {
        boolean any = false;
        Timer t;
        while ((t = timers.peek()) != null && t.deadline <= now) {
            timers.poll();
            if (!t.cancelled) {
                any = true;
                run(t.task);
            }
        }
        return any;
    }

    private static void run(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "event loop task failed", e);
        }
    }

    private void park() {
        sleeping = true;
        try {
            if (!tasks.isEmpty() || hasWork()) {
                return;
            }
            Timer next = timers.peek();
            long wait = next == null ? MAX_PARK_NANOS : Math.min(MAX_PARK_NANOS, next.deadline - System.nanoTime());
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
            }
        } finally {
            sleeping = false;
        }
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        if (!inEventLoop() && thread.isAlive()) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static final class Timer implements Cancellable, Comparable<Timer> {
        final long deadline;
        final Runnable task;
        long seq;
        volatile boolean cancelled;

        Timer(long deadline, Runnable task) {
            this.deadline = deadline;
            this.task = task;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(deadline, o.deadline);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}

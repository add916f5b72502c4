package org.vnicteam.fabric.sim.ethernet;

import java.util.ArrayDeque;
import java.util.PriorityQueue;

/**
 * An {@link EventLoop} with a virtual clock for unit tests: the test thread is the loop. Tasks
 * run when the test calls {@link #runPending()} or {@link #advance}; timers fire in deadline
 * order as {@link #advance} moves the clock. Bounded: a runaway task storm fails the test.
 */
final class ManualLoop implements EventLoop {

    private static final int MAX_STEPS = 5_000_000;

    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private long now = 1_000_000_000L;
    private long seq;

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public boolean inEventLoop() {
        return true;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    @Override
    public Cancellable schedule(long delayNanos, Runnable task) {
        Timer t = new Timer(now + Math.max(0, delayNanos), seq++, task);
        timers.add(t);
        return t;
    }

    /** Runs queued tasks (and the tasks they queue) without moving the clock. */
    void runPending() {
        int steps = 0;
        Runnable r;
        while ((r = tasks.poll()) != null) {
            if (++steps > MAX_STEPS) {
                throw new IllegalStateException("task storm");
            }
            r.run();
        }
    }

    /** Moves the clock forward, running every timer and task due on the way. */
    void advance(long nanos) {
        long target = now + nanos;
        runPending();
        int steps = 0;
        Timer t;
        while ((t = timers.peek()) != null && t.deadline <= target) {
            if (++steps > MAX_STEPS) {
                throw new IllegalStateException("timer storm");
            }
            timers.poll();
            now = Math.max(now, t.deadline);
            if (!t.cancelled) {
                t.task.run();
            }
            runPending();
        }
        now = target;
        runPending();
    }

    void advanceMillis(long millis) {
        advance(millis * 1_000_000L);
    }

    private static final class Timer implements Cancellable, Comparable<Timer> {
        final long deadline;
        final long seq;
        final Runnable task;
        boolean cancelled;

        Timer(long deadline, long seq, Runnable task) {
            this.deadline = deadline;
            this.seq = seq;
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

package org.vnicteam.fabric.sim.ethernet;

import org.osgi.annotation.versioning.ConsumerType;
import org.vnicteam.fabric.sim.ethernet.internal.LoopThread;

/**
 * The single thread that owns some simulated Ethernet state (a segment with its switch and
 * hosts, or one standalone {@link SimIpHost}): tasks and timers run on it one at a time, so that
 * state needs no locks. Posting never blocks. A test may implement it with a virtual clock.
 */
@ConsumerType
public interface EventLoop {

    /** The loop's clock, in nanoseconds ({@link System#nanoTime()} for a real thread). */
    long nanoTime();

    /** Whether the caller may touch loop-confined state directly (it is on the loop). */
    boolean inEventLoop();

    /** Runs {@code task} on the loop, soon; never blocks. Ignored once the loop is closed. */
    void execute(Runnable task);

    /** Runs {@code task} on the loop after {@code delayNanos} of the loop's clock. */
    Cancellable schedule(long delayNanos, Runnable task);

    /**
     * Runs {@code task} on the loop and waits (at most 10 s) for its result; runs it directly when
     * already on the loop. {@code owner} names the waiter in the timeout message.
     */
    default <T> T call(java.util.function.Supplier<T> task, String owner) {
        if (inEventLoop()) {
            return task.get();
        }
        java.util.concurrent.CompletableFuture<T> f = new java.util.concurrent.CompletableFuture<>();
        execute(() -> {
            try {
                f.complete(task.get());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(owner + ": event loop did not answer within 10 s");
        }
    }

    /** A scheduled task that has not run yet can be cancelled; cancelling later does nothing. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    /** An event loop with a thread of its own, stopped by {@link #close()}. */
    interface Threaded extends EventLoop, AutoCloseable {
        /** Stops the thread after the task running now; queued tasks are dropped. */
        @Override
        void close();
    }

    /** Starts a loop on a new daemon thread named {@code threadName}. */
    static Threaded start(String threadName) {
        LoopThread loop = new LoopThread(threadName);
        loop.start();
        return loop;
    }
}

package org.vnicteam.testbed;

import java.util.concurrent.locks.LockSupport;

import com.sun.jna.Native;

/**
 * Waits until a deadline on {@link System#nanoTime()}: parks until shortly before it, then spins.
 * Thread.sleep rounds to milliseconds and a plain park overshoots by the thread's timer slack
 * (50 µs by default), which at 5 000 frames/s is a quarter of the period; so the pacing thread
 * lowers its own timer slack and spins only the last {@link #SPIN_NANOS}.
 */
final class Pacer {

    /** The part of a wait that is spun rather than parked. */
    static final long SPIN_NANOS = 20_000;

    private static final int PR_SET_TIMERSLACK = 29;
    private static final boolean PRCTL;

    static {
        boolean ok;
        try {
            Native.register(Pacer.class, "c");
            ok = true;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            ok = false; // not Linux: park with the default slack and spin more
        }
        PRCTL = ok;
    }

    private static native int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    private final long spinNanos;

    private Pacer(long spinNanos) {
        this.spinNanos = spinNanos;
    }

    /** A pacer for the calling thread (it sets that thread's timer slack to 1 µs). */
    static Pacer forCurrentThread() {
        if (PRCTL && prctl(PR_SET_TIMERSLACK, 1_000, 0, 0, 0) == 0) {
            return new Pacer(SPIN_NANOS);
        }
        return new Pacer(SPIN_NANOS + 60_000);
    }

    /** Returns at {@code deadline} or just after it (at once if it has passed). */
    void awaitNanos(long deadline) {
        long left;
        while ((left = deadline - System.nanoTime()) > spinNanos) {
            LockSupport.parkNanos(left - spinNanos);
        }
        while (System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
        }
    }
}

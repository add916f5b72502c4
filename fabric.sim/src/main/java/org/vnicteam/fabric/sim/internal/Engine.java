package org.vnicteam.fabric.sim.internal;

import java.util.ArrayList;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.CRC32;

import org.vnicteam.api.verbs.VerbsException;

/**
 * The fabric's single event thread. Every packet, timer, subnet-manager sweep and consumer
 * callback runs here, so the fabric needs no locks and a consumer callback can never deadlock
 * against a poster: posting threads only enqueue work and wake the engine.
 */
final class Engine implements Runnable {

    private static final Logger LOG = Logger.getLogger(Engine.class.getName());
    private static final int SPINS_BEFORE_PARK = 2000;

    final PacketPool pool = new PacketPool();
    final CRC32 crc = new CRC32();
    final SplittableRandom random;
    /** Cached at the top of each loop iteration. */
    long now;

    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ArrayBlockingQueue<SimQp> ready = new ArrayBlockingQueue<>(1 << 16);
    private final ArrayList<Link.Direction> delayed = new ArrayList<>();
    private final ArrayList<SimQp> timed = new ArrayList<>();
    private final ArrayList<SimQp> pendingAcks = new ArrayList<>();
    private final ArrayList<SimCq> dirtyCqs = new ArrayList<>();
    private volatile boolean sleeping;
    private volatile boolean running = true;
    private long nextTimerCheck = Long.MAX_VALUE;

    Engine(String name, long seed) {
        random = new SplittableRandom(seed);
        thread = new Thread(this, name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    boolean onEngineThread() {
        return Thread.currentThread() == thread;
    }

    /** Runs a control-path task on the engine thread. */
    void execute(Runnable task) {
        tasks.add(task);
        wake();
    }

    /** Runs a task on the engine thread and waits for its result (directly when already there). */
    <T> T call(Callable<T> task) throws VerbsException {
        if (onEngineThread()) {
            try {
                return task.call();
            } catch (VerbsException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        if (!running) {
            throw new VerbsException("fabric is stopped");
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        execute(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof VerbsException v) {
                throw v;
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VerbsException("interrupted");
        } catch (TimeoutException e) {
            throw new VerbsException("fabric engine did not answer within 10 s");
        }
    }

    /** Like {@link #call} for actions that cannot fail with a verbs error. */
    void run(Runnable action) {
        try {
            call(() -> {
                action.run();
                return null;
            });
        } catch (VerbsException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** A QP has work to send; called from any thread. */
    void schedule(SimQp qp) {
        if (qp.scheduled.compareAndSet(false, true)) {
            ready.offer(qp); // capacity exceeds the number of QPs, and each is queued at most once
            wake();
        }
    }

    private void wake() {
        if (sleeping) {
            LockSupport.unpark(thread);
        }
    }

    void stop() {
        running = false;
        LockSupport.unpark(thread);
        if (!onEngineThread()) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- engine-thread bookkeeping --------------------------------------------------------

    void delayedPacketQueued(Link.Direction d) {
        if (!d.listed) {
            d.listed = true;
            delayed.add(d);
        }
    }

    void armTimer(SimQp qp, long deadline) {
        qp.timerDeadline = deadline;
        if (!qp.timerListed) {
            qp.timerListed = true;
            timed.add(qp);
        }
        if (deadline < nextTimerCheck) {
            nextTimerCheck = deadline;
        }
    }

    void ackPending(SimQp qp) {
        if (!qp.ackListed) {
            qp.ackListed = true;
            pendingAcks.add(qp);
        }
    }

    void cqDirty(SimCq cq) {
        if (!cq.dirtyListed) {
            cq.dirtyListed = true;
            dirtyCqs.add(cq);
        }
    }

    /** Calls listeners on the engine thread, isolating the fabric from their failures. */
    <L, E> void notify(Iterable<L> listeners, Consumer<L> call) {
        for (L l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException | AssertionError e) {
                LOG.log(Level.WARNING, "listener failed", e);
            }
        }
    }

    // ---- the loop ----------------------------------------------------------------------------

    @Override
    public void run() {
        int idle = 0;
        while (running) {
            now = System.nanoTime();
            boolean worked;
            try {
                worked = runTasks();
                worked |= transmitReady();
                worked |= deliverDelayed();
                worked |= fireTimers();
                worked |= flushAcks();
                worked |= notifyCqs();
            } catch (RuntimeException | AssertionError e) {
                // A fault in one packet or callback must not stop the whole fabric.
                LOG.log(Level.SEVERE, "fabric engine caught an unexpected failure; carrying on", e);
                worked = true;
            }
            if (worked) {
                idle = 0;
            } else if (++idle < SPINS_BEFORE_PARK) {
                Thread.onSpinWait();
            } else {
                park();
                idle = 0;
            }
        }
        drainOnStop();
    }

    private boolean runTasks() {
        boolean any = false;
        Runnable r;
        while ((r = tasks.poll()) != null) {
            any = true;
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "fabric task failed", e);
            }
        }
        return any;
    }

    private boolean transmitReady() {
        boolean any = false;
        SimQp qp;
        // Bounded so that timers and deliveries keep their turn under a flood of sends.
        for (int n = ready.size(); n > 0 && (qp = ready.poll()) != null; n--) {
            qp.scheduled.set(false);
            qp.transmit();
            any = true;
        }
        return any;
    }

    private boolean deliverDelayed() {
        boolean any = false;
        for (int i = delayed.size() - 1; i >= 0; i--) {
            Link.Direction d = delayed.get(i);
            any |= d.deliverDue(now);
            if (d.isEmpty()) {
                d.listed = false;
                delayed.remove(i);
            }
        }
        return any;
    }

    private boolean fireTimers() {
        if (now < nextTimerCheck) {
            return false;
        }
        nextTimerCheck = Long.MAX_VALUE; // timers armed while firing lower it again
        long next = Long.MAX_VALUE;
        boolean any = false;
        for (int i = timed.size() - 1; i >= 0; i--) {
            SimQp qp = timed.get(i);
            if (qp.timerDeadline <= now) {
                qp.timerDeadline = Long.MAX_VALUE;
                qp.onTimer();
                any = true;
            }
            if (qp.timerDeadline == Long.MAX_VALUE) {
                qp.timerListed = false;
                timed.remove(i);
            } else {
                next = Math.min(next, qp.timerDeadline);
            }
        }
        nextTimerCheck = Math.min(nextTimerCheck, next);
        return any;
    }

    private boolean flushAcks() {
        if (pendingAcks.isEmpty()) {
            return false;
        }
        for (int i = 0; i < pendingAcks.size(); i++) {
            SimQp qp = pendingAcks.get(i);
            qp.ackListed = false;
            qp.sendCoalescedAck();
        }
        pendingAcks.clear();
        return true;
    }

    private boolean notifyCqs() {
        if (dirtyCqs.isEmpty()) {
            return false;
        }
        // A listener may post work that dirties CQs again: iterate over a stable count.
        int n = dirtyCqs.size();
        for (int i = 0; i < n; i++) {
            SimCq cq = dirtyCqs.get(i);
            cq.dirtyListed = false;
            cq.notifyListener();
        }
        dirtyCqs.subList(0, n).clear();
        return true;
    }

    private void park() {
        sleeping = true;
        try {
            if (!tasks.isEmpty() || !ready.isEmpty()) {
                return;
            }
            long deadline = nextTimerCheck;
            for (Link.Direction d : delayed) {
                deadline = Math.min(deadline, d.headDue());
            }
            if (deadline == Long.MAX_VALUE) {
                LockSupport.park(this); // nothing timed: sleep until a poster wakes us
            } else {
                long wait = deadline - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(this, wait);
                }
            }
        } finally {
            sleeping = false;
        }
    }

    private void drainOnStop() {
        Runnable r;
        while ((r = tasks.poll()) != null) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "task failed during stop", e);
            }
        }
    }
}

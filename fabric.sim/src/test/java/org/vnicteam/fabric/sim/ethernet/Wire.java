package org.vnicteam.fabric.sim.ethernet;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A point-to-point cable between two hosts on a {@link ManualLoop}, for unit tests: each frame
 * is copied, recorded, and delivered as a loop task after an optional latency; a test can drop,
 * duplicate or hold back frames (to reorder them) and cut the cable.
 */
final class Wire {

    /** One direction of the cable. */
    final class End implements FrameSink {
        final List<byte[]> sent = new ArrayList<>();
        SimIpHost peer;
        Predicate<byte[]> drop = f -> false;
        Predicate<byte[]> duplicate = f -> false;
        /** Frames held back: delivered after the next frame that is not held. */
        Predicate<byte[]> holdBack = f -> false;
        private final List<byte[]> held = new ArrayList<>();

        @Override
        public void send(ByteBuffer frame, int offset, int length) {
            byte[] copy = new byte[length];
            frame.get(offset, copy, 0, length);
            sent.add(copy);
            if (cut || drop.test(copy)) {
                return;
            }
            if (holdBack.test(copy)) {
                held.add(copy);
                return;
            }
            deliver(copy);
            if (duplicate.test(copy)) {
                deliver(copy);
            }
            for (byte[] h : held) {
                deliver(h);
            }
            held.clear();
        }

        private void deliver(byte[] f) {
            Runnable r = () -> peer.receive(f);
            if (latencyNanos > 0) {
                loop.schedule(latencyNanos, r);
            } else {
                loop.execute(r);
            }
        }
    }

    final ManualLoop loop;
    final long latencyNanos;
    final End toB = new End();
    final End toA = new End();
    boolean cut;

    Wire(ManualLoop loop, long latencyNanos) {
        this.loop = loop;
        this.latencyNanos = latencyNanos;
    }

    /** Connects two hosts: {@code a} sends into {@link #toB}, {@code b} into {@link #toA}. */
    void connect(SimIpHost a, SimIpHost b) {
        toB.peer = b;
        toA.peer = a;
    }
}

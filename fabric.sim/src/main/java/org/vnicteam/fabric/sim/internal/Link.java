package org.vnicteam.fabric.sim.internal;

/**
 * A cable between two ports, with the faults a real one has: it can be cut, lose packets and
 * flip bits. Latency is modelled per direction as a FIFO (constant latency keeps order). The
 * bandwidth is not limited: the fabric must never be the bottleneck of what runs over it.
 */
final class Link {

    final Engine engine;
    final String name;
    final Port a;
    final Port b;
    final int mtu;
    final Direction ab;
    final Direction ba;
    volatile long latencyNanos;
    volatile double lossRate;
    volatile double bitErrorRate;
    boolean adminUp;
    long packets;
    long lost;
    long corrupted;

    Link(Engine engine, String name, Port a, Port b, int mtu, long latencyNanos, double lossRate, double bitErrorRate,
            boolean up) {
        this.engine = engine;
        this.name = name;
        this.a = a;
        this.b = b;
        this.mtu = mtu;
        this.latencyNanos = latencyNanos;
        this.lossRate = lossRate;
        this.bitErrorRate = bitErrorRate;
        this.adminUp = up;
        this.ab = new Direction(b);
        this.ba = new Direction(a);
        a.link = this;
        b.link = this;
    }

    Port other(Port p) {
        return p == a ? b : a;
    }

    /** Physically up: not cut, and both ends powered. */
    boolean physicallyUp() {
        return adminUp && a.node.powered() && b.node.powered();
    }

    void transmit(Port from, PacketBuffer p, Engine engine) {
        if (!physicallyUp()) {
            lost++;
            engine.pool.release(p);
            return;
        }
        packets++;
        double loss = lossRate;
        if (loss > 0 && engine.random.nextDouble() < loss) {
            lost++;
            engine.pool.release(p);
            return;
        }
        double ber = bitErrorRate;
        if (ber > 0) {
            if (!p.vcrcValid) {
                Wire.sealVcrc(p);
            }
            // Probability that at least one of the packet's bits flips; one flip is enough to test
            // the CRCs, and more than one is vanishingly rare at realistic rates.
            double perPacket = -Math.expm1(p.length * 8 * Math.log1p(-ber));
            if (engine.random.nextDouble() < perPacket) {
                int bit = engine.random.nextInt(p.length * 8);
                int i = bit >>> 3;
                p.buf.put(i, (byte) (p.buf.get(i) ^ (1 << (bit & 7))));
                corrupted++;
            }
        }
        Direction d = from == a ? ab : ba;
        long latency = latencyNanos;
        if (latency == 0 && d.isEmpty()) {
            d.deliver(p, engine);
        } else {
            d.enqueue(p, engine.now + latency);
            engine.delayedPacketQueued(d);
        }
    }

    /** Drops what is in flight (the cable was cut). */
    void flush(Engine engine) {
        lost += ab.drain(engine) + ba.drain(engine);
    }

    /** One direction of the cable: a FIFO of packets in flight towards {@link #to}. */
    final class Direction {
        final Port to;
        private PacketBuffer head;
        private PacketBuffer tail;
        boolean listed;

        Direction(Port to) {
            this.to = to;
        }

        boolean isEmpty() {
            return head == null;
        }

        long headDue() {
            return head == null ? Long.MAX_VALUE : head.dueNanos;
        }

        void enqueue(PacketBuffer p, long due) {
            p.dueNanos = due;
            p.nextInQueue = null;
            if (tail == null) {
                head = p;
            } else {
                tail.nextInQueue = p;
            }
            tail = p;
        }

        boolean deliverDue(long now) {
            boolean any = false;
            while (head != null && head.dueNanos <= now) {
                PacketBuffer p = head;
                head = p.nextInQueue;
                if (head == null) {
                    tail = null;
                }
                p.nextInQueue = null;
                deliver(p, engine);
                any = true;
            }
            return any;
        }

        void deliver(PacketBuffer p, Engine engine) {
            if (!physicallyUp()) {
                lost++;
                engine.pool.release(p);
                return;
            }
            if (to.capture != null) {
                to.capture.write(p, engine);
            }
            to.node.receive(to, p, engine);
        }

        int drain(Engine engine) {
            int n = 0;
            while (head != null) {
                PacketBuffer p = head;
                head = p.nextInQueue;
                engine.pool.release(p);
                n++;
            }
            tail = null;
            return n;
        }
    }
}

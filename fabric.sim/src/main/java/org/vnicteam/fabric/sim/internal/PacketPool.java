package org.vnicteam.fabric.sim.internal;

/**
 * Free list of packet buffers, used by the engine thread only. It grows while the fabric warms
 * up and then recycles, so a steady stream allocates nothing.
 */
final class PacketPool {

    private PacketBuffer[] free = new PacketBuffer[256];
    private int size;
    private long allocated;

    PacketBuffer acquire() {
        if (size == 0) {
            allocated++;
            return new PacketBuffer();
        }
        PacketBuffer p = free[--size];
        free[size] = null;
        return p;
    }

    void release(PacketBuffer p) {
        p.length = 0;
        p.vcrcValid = false;
        p.nextInQueue = null;
        if (size == free.length) {
            if (size >= 65536) {
                return; // let the garbage collector have a burst's leftovers
            }
            free = java.util.Arrays.copyOf(free, size * 2);
        }
        free[size++] = p;
    }

    long allocated() {
        return allocated;
    }
}

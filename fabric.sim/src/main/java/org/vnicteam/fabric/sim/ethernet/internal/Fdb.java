package org.vnicteam.fabric.sim.ethernet.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The switch's forwarding database: (VID, MAC) to port, with the time each address was last
 * seen. An open-addressing table of primitive arrays (linear probing, backward-shift deletion),
 * so a lookup or a refresh on the hot path allocates nothing. Keys are {@code VID << 48 | MAC};
 * VID is never 0, so key 0 marks an empty slot. Used by the segment thread only.
 */
final class Fdb {

    /** A snapshot row. */
    record Row(int vid, long mac, int port, long lastSeen) {
    }

    private final int capacity;
    private final int mask;
    private final long[] keys;
    private final int[] ports;
    private final long[] seen;
    private int size;

    Fdb(int capacity) {
        this.capacity = capacity;
        int slots = Integer.highestOneBit(Math.max(16, capacity * 2 - 1)) << 1;
        mask = slots - 1;
        keys = new long[slots];
        ports = new int[slots];
        seen = new long[slots];
    }

    static long key(int vid, long mac) {
        return ((long) vid << 48) | (mac & 0xFFFF_FFFF_FFFFL);
    }

    private int home(long key) {
        long h = key * 0x9E37_79B9_7F4A_7C15L;
        return (int) (h >>> 40) & mask;
    }

    private int slotOf(long key) {
        for (int i = home(key);; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) {
                return i;
            }
            if (k == 0) {
                return -1;
            }
        }
    }

    /**
     * The port an address was learned on, or -1; an entry older than {@code ageing} is removed
     * and reported as unknown.
     */
    int lookup(int vid, long mac, long now, long ageing) {
        int i = slotOf(key(vid, mac));
        if (i < 0) {
            return -1;
        }
        if (now - seen[i] > ageing) {
            deleteSlot(i);
            return -1;
        }
        return ports[i];
    }

    /**
     * Learns or refreshes an address (a move to another port included).
     *
     * @return false if it is new and the table is full
     */
    boolean learn(int vid, long mac, int port, long now) {
        long key = key(vid, mac);
        for (int i = home(key);; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) {
                ports[i] = port;
                seen[i] = now;
                return true;
            }
            if (k == 0) {
                if (size >= capacity) {
                    return false;
                }
                keys[i] = key;
                ports[i] = port;
                seen[i] = now;
                size++;
                return true;
            }
        }
    }

    /** Removes the entries whose port matches; returns how many. */
    int removePorts(IntPredicate port) {
        return removeSlots(i -> port.test(ports[i]));
    }

    /** Removes the entries learned on {@code port} in VLAN {@code vid}; returns how many. */
    int removePortVlan(int port, int vid) {
        return removeSlots(i -> ports[i] == port && (int) (keys[i] >>> 48) == vid);
    }

    /** Removes entries not seen for longer than {@code ageing}; returns how many. */
    int age(long now, long ageing) {
        return removeSlots(i -> now - seen[i] > ageing);
    }

    /** Removes the used slots {@code doomed} accepts (found first, then deleted: deletion moves entries). */
    private int removeSlots(IntPredicate doomed) {
        List<Long> keysToRemove = new ArrayList<>();
        for (int i = 0; i <= mask; i++) {
            if (keys[i] != 0 && doomed.test(i)) {
                keysToRemove.add(keys[i]);
            }
        }
        keysToRemove.forEach(k -> deleteSlot(slotOf(k)));
        return keysToRemove.size();
    }

    void clear() {
        java.util.Arrays.fill(keys, 0);
        size = 0;
    }

    int size() {
        return size;
    }

    int capacity() {
        return capacity;
    }

    /** The live entries (not older than {@code ageing}). */
    List<Row> rows(long now, long ageing) {
        List<Row> rows = new ArrayList<>(size);
        for (int i = 0; i <= mask; i++) {
            if (keys[i] != 0 && now - seen[i] <= ageing) {
                rows.add(new Row((int) (keys[i] >>> 48), keys[i] & 0xFFFF_FFFF_FFFFL, ports[i], seen[i]));
            }
        }
        return rows;
    }

    private void deleteSlot(int i) {
        int hole = i;
        for (int j = (hole + 1) & mask; keys[j] != 0; j = (j + 1) & mask) {
            int h = home(keys[j]);
            // the entry at j may move into the hole unless its home lies cyclically in (hole, j]
            boolean stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
            if (!stays) {
                keys[hole] = keys[j];
                ports[hole] = ports[j];
                seen[hole] = seen[j];
                hole = j;
            }
        }
        keys[hole] = 0;
        size--;
    }
}

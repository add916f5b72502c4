package org.vnicteam.lib.pcap4j.internal;

import java.lang.reflect.Field;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;

import com.sun.jna.Pointer;

import org.pcap4j.core.PcapHandle;

/**
 * What pcap4j 1.8.2's {@link PcapHandle} keeps private and this bundle's native calls need: the
 * {@code pcap_t} pointer and the lock that {@link PcapHandle#close()} takes for writing (every call
 * on the handle holds it for reading, so a close waits for them).
 */
public final class Handles {

    private Handles() {
    }

    /**
     * The handle's {@code pcap_t} (a closed handle still has its pointer: check
     * {@link PcapHandle#isOpen()} under {@link #readLock}).
     *
     * @throws IllegalStateException if this pcap4j's {@code PcapHandle} has no such field
     */
    public static Pointer pcap(PcapHandle handle, String user) {
        return (Pointer) privateField(handle, "handle", Pointer.class, user);
    }

    /** The read side of the handle's lock; held, {@link PcapHandle#close()} waits. */
    public static Lock readLock(PcapHandle handle, String user) {
        return ((ReadWriteLock) privateField(handle, "handleLock", ReadWriteLock.class, user)).readLock();
    }

    private static Object privateField(PcapHandle handle, String name, Class<?> type, String user) {
        try {
            Field f = PcapHandle.class.getDeclaredField(name);
            if (!type.isAssignableFrom(f.getType())) {
                throw new NoSuchFieldException(name + " is a " + f.getType().getName() + ", not a " + type.getName());
            }
            f.setAccessible(true);
            return f.get(handle);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(user + " needs pcap4j 1.8.2's PcapHandle, with a private field '" + name
                    + "' (" + type.getSimpleName() + "); this pcap4j's has not: " + e, e);
        }
    }
}

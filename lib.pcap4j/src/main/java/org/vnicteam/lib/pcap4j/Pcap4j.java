package org.vnicteam.lib.pcap4j;

import org.pcap4j.packet.Packet;
import org.pcap4j.packet.factory.PacketFactories;
import org.pcap4j.packet.factory.PacketFactory;
import org.pcap4j.packet.namednumber.EtherType;

/**
 * Initialises pcap4j's packet factories so that they work inside an OSGi framework.
 *
 * <p>Why: {@link PacketFactories} picks its factory binder ONCE, in its static initialiser, with
 * {@code ServiceLoader.load(PacketFactoryBinderProvider.class)}. That overload searches the
 * <em>thread context class loader</em> of whichever thread happens to initialise the class. In a
 * framework that is some other bundle's thread, whose context loader (often the application class
 * loader, or null) cannot see this bundle's
 * {@code META-INF/services/org.pcap4j.packet.factory.PacketFactoryBinderProvider}. pcap4j then
 * falls back to its "simple" binder without an error (only a log line) and every packet parses
 * as {@code UnknownPacket} forever after, because the choice is stored in a static final field.
 *
 * <p>So this class triggers that static initialiser itself, with the context class loader set to
 * this bundle's class loader (which holds the services file and the static factory classes), and
 * checks the outcome. Every bundle that uses pcap4j packets should call {@link #init()} before its
 * first packet (it is cheap and idempotent); this bundle's activator calls it at start too.
 * Outside OSGi it does the same with the class path's loader, which is harmless.
 */
public final class Pcap4j {

    private static final String STATIC_FACTORY_PACKAGE = "org.pcap4j.packet.factory.statik.";

    private static volatile boolean initialised;

    private Pcap4j() {
    }

    /**
     * Initialises pcap4j's packet factories (once; later calls only return).
     *
     * @throws IllegalStateException if pcap4j had already been initialised by another thread without
     *         the static packet factory: packets would all parse as {@code UnknownPacket}, and only a
     *         restart of this bundle (a new class loader) can repair it
     */
    public static void init() {
        if (initialised) {
            return;
        }
        synchronized (Pcap4j.class) {
            if (initialised) {
                return;
            }
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            ClassLoader own = Pcap4j.class.getClassLoader();
            thread.setContextClassLoader(own);
            try {
                // Class.forName with initialize=true runs PacketFactories' static initialiser now,
                // in this thread, under our context class loader (a no-op if it already ran).
                Class.forName(PacketFactories.class.getName(), true, own);
                String binder = etherTypeFactoryClass();
                if (!binder.startsWith(STATIC_FACTORY_PACKAGE)) {
                    throw new IllegalStateException("pcap4j packet factories were initialised without the static"
                            + " packet factory (the factory for EtherType is " + binder + "): every packet would parse"
                            + " as UnknownPacket. Some code used pcap4j packets before Pcap4j.init(); call it first"
                            + " (and restart the org.vnicteam.lib.pcap4j bundle to repair this).");
                }
                initialised = true;
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("pcap4j is not on the class path", e);
            } finally {
                thread.setContextClassLoader(previous);
            }
        }
    }

    /** Whether {@link #init()} has succeeded. */
    public static boolean initialised() {
        return initialised;
    }

    /**
     * The class of the factory pcap4j uses to decode the payload of an Ethernet frame: in
     * {@code org.pcap4j.packet.factory.statik} when all is well. For diagnostics and tests.
     */
    public static String etherTypeFactoryClass() {
        PacketFactory<Packet, EtherType> f = PacketFactories.getFactory(Packet.class, EtherType.class);
        return f.getClass().getName();
    }
}

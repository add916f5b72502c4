package org.vnicteam.host.driver.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.vnicteam.api.host.Miniport;
import org.vnicteam.api.host.Team;
import org.vnicteam.api.host.UpperBinding;
import org.vnicteam.lib.linux.NetNamespace;
import org.vnicteam.lib.linux.TapDevice;

/**
 * The real mode's upper binding: a Linux TAP interface is the server's network interface on one
 * VLAN, so the server's own kernel (its IP stack, ARP, sockets) is that VLAN's protocol. Frames
 * the kernel sends out of the TAP go down through the miniport (untagged: the miniport tags
 * them); frames the miniport indicates up are written into the TAP; the miniport's media state is
 * the TAP's carrier, so with no usable team member the server sees NO-CARRIER, as with a real NIC.
 * One per factory configuration of PID {@value #PID}; a miniport binds it by
 * {@code upper.target=(upper.name=NAME)}.
 *
 * <p>host.driver imports lib.linux optionally: without it this component simply is not
 * configured.
 */
@Component(configurationPid = TapUpperComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = UpperBinding.class)
@Designate(ocd = TapUpperComponent.Config.class, factory = true)
public final class TapUpperComponent implements UpperBinding {

    public static final String PID = "org.vnicteam.upper.tap";

    @ObjectClassDefinition(id = PID, name = "vnicteam TAP server interface",
            description = "A Linux TAP interface as the upper binding of a VLAN miniport: the server's kernel is "
                    + "the VLAN's protocol stack.")
    public @interface Config {
        @AttributeDefinition(description = "Binding name (service property upper.name), e.g. 'server-vlan1'.")
        String upper_name();

        @AttributeDefinition(name = "Interface", description = "TAP interface name (at most 15 characters), "
                + "e.g. 'vlan1'; created if missing, attached if it is a persistent TAP.")
        String interface$();

        @AttributeDefinition(description = "Network namespace (ip netns) to create the interface in; empty: the "
                + "appliance's own.")
        String namespace() default "";

        @AttributeDefinition(description = "IPv4 address and prefix of the interface, e.g. 198.18.1.1/24; empty: "
                + "none (configure it with ip addr).")
        String address() default "";

        @AttributeDefinition(description = "MAC address of the interface; empty: the team MAC.")
        String mac() default "";

        @AttributeDefinition(description = "MTU of the interface; frames up to MTU + 14 bytes must fit the "
                + "miniport's max.frame.")
        int mtu() default 1500;

        @AttributeDefinition(description = "Filter selecting the team whose MAC is used.")
        String team_target() default "(name=*)";
    }

    private static final System.Logger LOG = System.getLogger(TapUpperComponent.class.getName());
    /** How long the reader waits in poll before it looks at its stop flag (close wakes it anyway). */
    private static final int READ_TIMEOUT_MILLIS = 200;
    private static final long STOP_WAIT_MILLIS = 1_000;
    private static final int MIN_MTU = 68;
    private static final int MAX_MTU = 9_000;

    private final String upperName;
    private final String address;
    private final TapDevice tap;
    private final Thread reader;
    private volatile Miniport miniport;
    private volatile boolean carrier;

    /** Frames read from the TAP and sent down through the miniport. */
    private final LongAdder downFrames = new LongAdder();
    private final LongAdder downBytes = new LongAdder();
    /** ... refused by the miniport (its status says why: media, length, team). */
    private final LongAdder downDroppedMiniport = new LongAdder();
    /** ... read while no miniport was bound. */
    private final LongAdder downDroppedUnbound = new LongAdder();
    private final LongAdder readErrors = new LongAdder();
    /** Frames from the miniport written into the TAP. */
    private final LongAdder upFrames = new LongAdder();
    private final LongAdder upBytes = new LongAdder();
    /** ... the kernel did not take now (EAGAIN, or the interface is down). */
    private final LongAdder upDroppedKernel = new LongAdder();
    /** ... that failed otherwise (the device closed, the kernel refused the frame). */
    private final LongAdder upErrors = new LongAdder();
    private final LongAdder carrierErrors = new LongAdder();
    private final AtomicBoolean writeErrorLogged = new AtomicBoolean();
    private final AtomicBoolean sendErrorLogged = new AtomicBoolean();

    @Activate
    public TapUpperComponent(@Reference(name = "team") Team team, Config c) throws IOException {
        if (c.upper_name() == null || c.upper_name().isBlank()) {
            throw new IllegalArgumentException(PID + ": upper.name is required");
        }
        this.upperName = c.upper_name();
        String what = PID + " " + upperName;
        if (c.interface$() == null || c.interface$().isBlank()) {
            throw new IllegalArgumentException(what + ": interface is required (the TAP's name, e.g. vlan1)");
        }
        if (c.mtu() < MIN_MTU || c.mtu() > MAX_MTU) {
            throw new IllegalArgumentException(what + ": mtu " + c.mtu() + " is not " + MIN_MTU + ".." + MAX_MTU);
        }
        byte[] ip;
        byte[] mac;
        try {
            ip = Frames.parseIpv4(c.address());
            boolean teamMac = c.mac() == null || c.mac().isBlank();
            mac = Frames.parseMac(teamMac ? team.status().teamMac() : c.mac());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
        int prefix = ip == null ? 0 : prefixLength(what, c.address());
        this.address = ip == null ? "" : c.address().strip();
        NetNamespace ns = NetNamespace.named(c.namespace());

        tap = TapDevice.open(ns, c.interface$().strip());
        try {
            tap.setCarrier(false); // no traffic until the miniport says the team can carry it
            tap.setMac(mac);
            tap.setMtu(c.mtu());
            if (ip != null) {
                tap.setAddress(ip, prefix);
            }
            tap.setUp(true);
        } catch (IOException | RuntimeException e) {
            tap.close();
            throw e;
        }
        reader = new Thread(this::readLoop, "tap " + tap.name() + (ns.isCurrent() ? "" : " (" + ns.name() + ")"));
        reader.setDaemon(true);
        reader.start();
        LOG.log(Level.INFO, () -> "upper binding " + upperName + ": " + tap + " " + Frames.formatMac(mac)
                + (ip == null ? "" : " " + address) + " mtu " + c.mtu());
    }

    /** The prefix length of "A.B.C.D/LEN". */
    static int prefixLength(String what, String address) {
        int slash = address.indexOf('/');
        try {
            int p = slash < 0 ? -1 : Integer.parseInt(address.substring(slash + 1).strip());
            if (p >= 1 && p <= 32) {
                return p;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException(what + ": address '" + address + "' needs a prefix length /1../32, e.g. "
                + "198.18.1.1/24");
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        tap.close(); // wakes the reader, which then sees CLOSED
        reader.join(STOP_WAIT_MILLIS);
        if (reader.isAlive()) {
            LOG.log(Level.WARNING, () -> "upper binding " + upperName + ": reader of " + tap + " did not stop within "
                    + STOP_WAIT_MILLIS + " ms");
        }
    }

    /** The server's kernel sends: untagged frames down through the miniport. */
    private void readLoop() {
        byte[] buf = new byte[MAX_MTU + 64];
        ByteBuffer frame = ByteBuffer.wrap(buf);
        while (true) {
            int n;
            try {
                n = tap.read(buf, READ_TIMEOUT_MILLIS);
            } catch (IOException e) {
                // e.g. the interface was deleted under us: say so once, count the rest, do not spin
                readErrors.increment();
                if (readErrors.sum() == 1) {
                    LOG.log(Level.WARNING, "upper binding " + upperName + ": " + e.getMessage());
                }
                if (!pause()) {
                    return;
                }
                continue;
            }
            if (n == TapDevice.CLOSED) {
                return;
            }
            if (n == 0) {
                continue;
            }
            Miniport m = miniport;
            if (m == null) {
                downDroppedUnbound.increment();
            } else if (send(m, frame, n)) {
                downFrames.increment();
                downBytes.add(n);
            } else {
                downDroppedMiniport.increment();
            }
        }
    }

    /** Miniport.send, which must not throw; if it does anyway, the reader goes on. */
    private boolean send(Miniport m, ByteBuffer frame, int length) {
        try {
            return m.send(frame, 0, length);
        } catch (RuntimeException e) {
            if (sendErrorLogged.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "upper binding " + upperName + ": " + m + " threw on send (counted as "
                        + "dropped by the miniport; further ones only counted)", e);
            }
            return false;
        }
    }

    private boolean pause() {
        try {
            Thread.sleep(READ_TIMEOUT_MILLIS);
            return tap.isOpen();
        } catch (InterruptedException e) {
            return false;
        }
    }

    @Override
    public void bind(Miniport m) {
        miniport = m;
    }

    @Override
    public void unbind(Miniport m) {
        if (miniport == m) {
            miniport = null;
            mediaStateChanged(false); // no miniport, no link
        }
    }

    /** A frame for this VLAN from the network: into the server's kernel. Never blocks. */
    @Override
    public void receive(ByteBuffer frame, int offset, int length) {
        try {
            if (tap.write(frame, offset, length)) {
                upFrames.increment();
                upBytes.add(length);
            } else {
                upDroppedKernel.increment();
            }
        } catch (IOException | IllegalArgumentException e) {
            upErrors.increment();
            if (writeErrorLogged.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "upper binding " + upperName + ": " + e.getMessage()
                        + " (further write errors are only counted)");
            }
        }
    }

    /** The team can carry traffic, or not: the TAP's carrier, which the server's kernel shows. */
    @Override
    public void mediaStateChanged(boolean connected) {
        if (!tap.isOpen()) {
            return; // deactivating
        }
        try {
            tap.setCarrier(connected);
            carrier = connected;
        } catch (IOException e) {
            carrierErrors.increment();
            LOG.log(Level.WARNING, "upper binding " + upperName + ": " + e.getMessage());
        }
    }

    /** The interface, e.g. for tests and the console. */
    TapDevice tap() {
        return tap;
    }

    /** Counters, as {@link #toString()} shows them. */
    Counters counters() {
        return new Counters(downFrames.sum(), downBytes.sum(), downDroppedMiniport.sum(), downDroppedUnbound.sum(),
                readErrors.sum(), upFrames.sum(), upBytes.sum(), upDroppedKernel.sum(), upErrors.sum(),
                carrierErrors.sum());
    }

    /**
     * Frames through the TAP: {@code down} from the server's kernel to the miniport, {@code up}
     * from the miniport into the kernel, each with its drops by cause.
     */
    record Counters(long downFrames, long downBytes, long downDroppedMiniport, long downDroppedUnbound,
            long readErrors, long upFrames, long upBytes, long upDroppedKernel, long upErrors, long carrierErrors) {
    }

    @Override
    public String toString() {
        Counters k = counters();
        return "upper " + upperName + ": " + tap + (address.isEmpty() ? "" : " " + address)
                + (carrier ? " carrier" : " NO-CARRIER") + "; from the kernel " + k.downFrames + " frames (dropped: "
                + k.downDroppedMiniport + " by the miniport, " + k.downDroppedUnbound + " unbound, " + k.readErrors
                + " read errors); to the kernel " + k.upFrames + " frames (dropped: " + k.upDroppedKernel
                + " refused, " + k.upErrors + " errors)" + (k.carrierErrors == 0 ? "" : "; carrier errors "
                        + k.carrierErrors);
    }
}

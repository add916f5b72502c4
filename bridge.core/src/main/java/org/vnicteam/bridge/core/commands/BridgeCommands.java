package org.vnicteam.bridge.core.commands;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.vnicteam.api.bridge.BridgeDevice;

/**
 * Gogo commands of scope {@code bridge}: the bridges (carrier, sessions, counters, device bundle)
 * and unplug/plug by stopping/starting a bridge's device bundle (docs/hot-plug.md). Results are
 * {@link BridgeInfo} and {@link BridgeOverview}; {@link BridgeConverter} renders them. Bad
 * arguments fail with an {@link IllegalArgumentException} that names the bridges there are.
 *
 * <p>Registered only as a Gogo command service. Never touches a bridge itself: plugging and
 * unplugging go through the device bundle, exactly as a console {@code stop}/{@code start} would.
 */
// The mandatory reference to Gogo's command processor keeps SCR from loading this class (and
// failing on the optional Gogo import) in a framework without a console.
@Component(reference = @org.osgi.service.component.annotations.Reference(name = "gogo",
        service = org.apache.felix.service.command.CommandProcessor.class), service = BridgeCommands.class, immediate = true, property = {
        "osgi.command.scope=bridge",
        "osgi.command.function=list",
        "osgi.command.function=status",
        "osgi.command.function=unplug",
        "osgi.command.function=plug" })
public final class BridgeCommands {

    /** How long plug and unplug wait for the device to come up or go down. */
    static final long WAIT_MILLIS = 5_000;

    private final BridgeInventory inventory;
    private final FrameworkInventory framework;
    private final long waitMillis;

    @Activate
    public BridgeCommands(BundleContext context) {
        this.framework = new FrameworkInventory(context);
        this.inventory = framework;
        this.waitMillis = WAIT_MILLIS;
        framework.open();
    }

    /** For tests: commands on any inventory, waiting at most {@code waitMillis}. */
    BridgeCommands(BridgeInventory inventory, long waitMillis) {
        this.framework = null;
        this.inventory = inventory;
        this.waitMillis = waitMillis;
    }

    @Deactivate
    void deactivate() {
        if (framework != null) {
            framework.close();
        }
    }

    @Reference(service = BridgeDevice.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeDevice")
    void addDevice(BridgeDevice device, Map<String, Object> properties) {
        framework.added(device, properties);
    }

    void removeDevice(BridgeDevice device) {
        framework.removed(device);
    }

    @Descriptor("list the bridges, one line each: state, carrier, sessions, device bundle")
    public List<BridgeInfo> list() {
        return inventory.bridges();
    }

    @Descriptor("show every bridge: state, carrier, sessions, MAC, fabric LID, frame counters, device bundle")
    public BridgeOverview status() {
        return new BridgeOverview(inventory.bridges());
    }

    @Descriptor("show one bridge in full: carrier, fabric port, counters by cause, its sessions, its device bundle")
    public BridgeInfo status(@Descriptor("NAME: a bridge's name (bridge:list lists them)") String name) {
        return find(name);
    }

    @Descriptor("unplug a bridge: stop its device bundle (the host sees a pulled card) and wait until the device is "
            + "down; bridge:plug NAME puts it back")
    public BridgeInfo unplug(@Descriptor("NAME: a bridge's name (bridge:list lists them)") String name) {
        BridgeInfo b = find(name);
        if (!b.hasBundle()) {
            if (b.state() == BridgeInfo.State.UNPLUGGED) {
                return b; // its device bundle is uninstalled: unplugged already
            }
            throw new IllegalArgumentException("bridge '" + name + "' has no device bundle: it comes from the "
                    + "configuration org.vnicteam.bridge~" + name + "; delete that configuration to unplug it");
        }
        if (b.state() == BridgeInfo.State.PLUGGED || b.state() == BridgeInfo.State.PLUGGING) {
            try {
                inventory.stop(b.bundleId());
            } catch (BundleException | IllegalStateException e) {
                throw new IllegalStateException("cannot stop device bundle " + b.bundleId() + " (" + b.bundle()
                        + ") of bridge '" + name + "': " + e.getMessage(), e);
            }
        }
        return await(name, s -> s == BridgeInfo.State.UNPLUGGED);
    }

    @Descriptor("plug a bridge in: start its device bundle (install it again from its location if it was "
            + "uninstalled) and wait until the device is up")
    public BridgeInfo plug(@Descriptor("NAME: a bridge's name (bridge:list lists them)") String name) {
        BridgeInfo b = find(name);
        if (b.state() == BridgeInfo.State.PLUGGED) {
            return b;
        }
        long id = b.bundleId();
        try {
            if (!b.hasBundle()) {
                if (b.location().isEmpty()) {
                    throw new IllegalArgumentException("bridge '" + name + "' has no device bundle to start");
                }
                id = inventory.install(b.location());
            }
            inventory.start(id);
        } catch (BundleException | IllegalStateException e) {
            throw new IllegalStateException("cannot start device bundle " + (b.hasBundle() ? b.bundleId() + " " : "")
                    + "(" + (b.hasBundle() ? b.bundle() : b.location()) + ") of bridge '" + name + "': "
                    + e.getMessage(), e);
        }
        return await(name, s -> s == BridgeInfo.State.PLUGGED);
    }

    /** The bridge of that name, or an exception naming the bridges there are. */
    private BridgeInfo find(String name) {
        List<BridgeInfo> all = inventory.bridges();
        return all.stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown bridge '" + name + "'; " + (all.isEmpty()
                        ? "there are no bridges (no device bundle is installed and no org.vnicteam.bridge "
                                + "configuration exists)"
                        : "bridges: " + all.stream().map(b -> b.name() + " (" + BridgeText.state(b) + ")")
                                .collect(Collectors.joining(", ")))));
    }

    /**
     * Polls until the bridge's state is what is wanted, at most {@link #waitMillis}; returns the
     * bridge as it is then (the rendering says when it is still on the way).
     */
    private BridgeInfo await(String name, Predicate<BridgeInfo.State> wanted) {
        long deadline = System.nanoTime() + waitMillis * 1_000_000L;
        while (true) {
            BridgeInfo b = inventory.bridges().stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
            if (b != null && wanted.test(b.state()) || System.nanoTime() - deadline >= 0) {
                return b != null ? b : new BridgeInfo(name, BridgeInfo.State.UNPLUGGED, -1, "", "", "", null);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return b != null ? b : new BridgeInfo(name, BridgeInfo.State.UNPLUGGED, -1, "", "", "", null);
            }
        }
    }
}

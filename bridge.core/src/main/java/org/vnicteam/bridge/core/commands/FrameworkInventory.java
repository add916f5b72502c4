package org.vnicteam.bridge.core.commands;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.SynchronousBundleListener;
import org.vnicteam.api.bridge.BridgeDevice;
import org.vnicteam.api.bridge.BridgeStatus;

/**
 * The bridges of a framework: {@link BridgeDevice} services (handed in by the DS component) and
 * bundles with the {@value #HEADER} header (docs/hot-plug.md). A device bundle is matched to its
 * device by the bridge name in its descriptor; the device's configuration also names the bundle
 * (property {@value #SOURCE_BUNDLE_ID}, written by the extender). Device bundles uninstalled while
 * this inventory is open are remembered with their location, so that {@code bridge:plug} can
 * install them again.
 */
final class FrameworkInventory implements BridgeInventory, SynchronousBundleListener {

    /** The device bundle header (see the extender, {@code DeviceDescriptor.HEADER}). */
    static final String HEADER = "Vnicteam-Bridge";
    /** Configuration (and so service) property of a device: the id of the bundle that plugged it in. */
    static final String SOURCE_BUNDLE_ID = "bridge.device.bundle.id";

    private record Device(String name, long bundleId, BridgeDevice device) {
    }

    private record Known(String name, String symbolicName, String location) {
    }

    private final BundleContext context;
    private final Map<BridgeDevice, Device> devices = new ConcurrentHashMap<>();
    /** Installed device bundles by id. */
    private final Map<Long, Known> installed = new ConcurrentHashMap<>();
    /** Uninstalled device bundles by bridge name. */
    private final Map<String, Known> uninstalled = new ConcurrentHashMap<>();

    FrameworkInventory(BundleContext context) {
        this.context = context;
    }

    void open() {
        context.addBundleListener(this);
        for (Bundle b : context.getBundles()) {
            see(b);
        }
    }

    void close() {
        context.removeBundleListener(this);
    }

    void added(BridgeDevice device, Map<String, ?> properties) {
        Object name = properties.get(BridgeDevice.NAME);
        Object id = properties.get(SOURCE_BUNDLE_ID);
        devices.put(device, new Device(name == null ? device.name() : name.toString(),
                id instanceof Number n ? n.longValue() : -1, device));
    }

    void removed(BridgeDevice device) {
        devices.remove(device);
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle b = event.getBundle();
        switch (event.getType()) {
            case BundleEvent.INSTALLED, BundleEvent.UPDATED -> see(b);
            case BundleEvent.UNINSTALLED -> {
                Known k = installed.remove(b.getBundleId());
                if (k != null) {
                    uninstalled.put(k.name(), k);
                }
            }
            default -> {
                // the state is read when asked
            }
        }
    }

    private void see(Bundle b) {
        String name = bridgeName(b);
        if (name == null) {
            installed.remove(b.getBundleId());
            return;
        }
        installed.put(b.getBundleId(), new Known(name, String.valueOf(b.getSymbolicName()), b.getLocation()));
        uninstalled.remove(name);
    }

    /** The bridge name in a device bundle's descriptor, or null (not a device bundle, or unreadable). */
    static String bridgeName(Bundle b) {
        try {
            String path = b.getHeaders("").get(HEADER);
            if (path == null) {
                return null;
            }
            URL entry = b.getEntry(path.trim());
            if (entry == null) {
                return null;
            }
            Properties p = new Properties();
            try (InputStream in = entry.openStream()) {
                p.load(in);
            }
            String name = p.getProperty(BridgeDevice.NAME);
            return name == null || name.isBlank() ? null : name.trim();
        } catch (IOException | IllegalStateException e) {
            return null; // unreadable (the extender says why) or uninstalled meanwhile
        }
    }

    @Override
    public List<BridgeInfo> bridges() {
        Map<String, List<Bundle>> bundlesByName = new TreeMap<>();
        installed.forEach((id, k) -> {
            Bundle b = context.getBundle(id);
            if (b != null && b.getState() != Bundle.UNINSTALLED) {
                bundlesByName.computeIfAbsent(k.name(), x -> new ArrayList<>()).add(b);
            }
        });
        Map<String, Device> devicesByName = new TreeMap<>();
        for (Device d : devices.values()) {
            devicesByName.put(d.name(), d);
        }
        TreeMap<String, BridgeInfo> all = new TreeMap<>();
        for (Map.Entry<String, Device> e : devicesByName.entrySet()) {
            Device d = e.getValue();
            List<Bundle> candidates = bundlesByName.remove(e.getKey());
            Bundle b = candidates == null ? null : candidates.stream().filter(x -> x.getBundleId() == d.bundleId())
                    .findFirst().orElse(pick(candidates));
            BridgeStatus status = status(d.device());
            BridgeInfo.State state;
            if (status == null) {
                state = BridgeInfo.State.UNPLUGGING;
            } else if (b == null) {
                // an operator's configuration (no bundle id), or a bundle that is gone already
                state = d.bundleId() < 0 ? BridgeInfo.State.PLUGGED : BridgeInfo.State.UNPLUGGING;
            } else {
                state = active(b) ? BridgeInfo.State.PLUGGED : BridgeInfo.State.UNPLUGGING;
            }
            all.put(e.getKey(), b == null ? new BridgeInfo(e.getKey(), state, -1, "", "", "", status)
                    : info(e.getKey(), state, b, status));
        }
        for (Map.Entry<String, List<Bundle>> e : bundlesByName.entrySet()) {
            Bundle b = pick(e.getValue());
            all.put(e.getKey(), info(e.getKey(), active(b) ? BridgeInfo.State.PLUGGING : BridgeInfo.State.UNPLUGGED,
                    b, null));
        }
        uninstalled.forEach((name, k) -> all.putIfAbsent(name,
                new BridgeInfo(name, BridgeInfo.State.UNPLUGGED, -1, k.symbolicName(), "UNINSTALLED", k.location(), null)));
        return List.copyOf(all.values());
    }

    private static BridgeInfo info(String name, BridgeInfo.State state, Bundle b, BridgeStatus status) {
        return new BridgeInfo(name, state, b.getBundleId(), String.valueOf(b.getSymbolicName()), stateName(b.getState()),
                b.getLocation(), status);
    }

    /** Of several device bundles naming one bridge (the extender plugs in only one): the active one, else the oldest. */
    private static Bundle pick(List<Bundle> candidates) {
        if (candidates == null || candidates.isEmpty()) {
            return null;
        }
        return candidates.stream().sorted(Comparator.comparingLong(Bundle::getBundleId)).filter(FrameworkInventory::active)
                .findFirst().orElse(candidates.stream().min(Comparator.comparingLong(Bundle::getBundleId)).get());
    }

    private static boolean active(Bundle b) {
        return (b.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0;
    }

    /** The device's snapshot, or null when it is going away under our feet (its HCA closed). */
    private static BridgeStatus status(BridgeDevice d) {
        try {
            return d.status();
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String stateName(int state) {
        return switch (state) {
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            default -> String.valueOf(state);
        };
    }

    @Override
    public void start(long bundleId) throws BundleException {
        bundle(bundleId).start();
    }

    @Override
    public void stop(long bundleId) throws BundleException {
        bundle(bundleId).stop();
    }

    @Override
    public long install(String location) throws BundleException {
        return context.installBundle(location).getBundleId();
    }

    private Bundle bundle(long id) throws BundleException {
        Bundle b = context.getBundle(id);
        if (b == null || b.getState() == Bundle.UNINSTALLED) {
            throw new BundleException("bundle " + id + " is uninstalled");
        }
        return b;
    }
}

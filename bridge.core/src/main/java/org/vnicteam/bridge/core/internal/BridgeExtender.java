package org.vnicteam.bridge.core.internal;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.util.tracker.BundleTracker;
import org.osgi.util.tracker.BundleTrackerCustomizer;

/**
 * The bridge extender: every ACTIVE bundle with a {@value DeviceDescriptor#HEADER} header is one
 * plugged-in bridge. Its descriptor becomes the factory configuration
 * {@code org.vnicteam.bridge~<name>}, which activates that bridge's {@link BridgeDeviceComponent};
 * when the device bundle stops (or is uninstalled or updated) the configuration is deleted and only
 * that bridge is unplugged. A bridge's bundle is thus tiny (a manifest and a properties file) and
 * can be swapped without touching any other bridge; see docs/hot-plug.md.
 *
 * <p>Device bundles require the {@code osgi.extender} capability this bundle provides, so a device
 * bundle resolves only where there is an extender to plug it in.
 */
@Component(immediate = true, service = {})
@Capability(namespace = "osgi.extender", name = BridgeExtender.EXTENDER, version = BridgeExtender.EXTENDER_VERSION)
public final class BridgeExtender implements BundleTrackerCustomizer<BridgeExtender.Plugged> {

    static final String EXTENDER = "org.vnicteam.bridge";
    static final String EXTENDER_VERSION = "1.0.0";
    private static final Logger LOG = Logger.getLogger(BridgeExtender.class.getName());

    /** A device bundle whose configuration this extender wrote. */
    record Plugged(String bridgeName, Configuration configuration) {
    }

    private final ConfigurationAdmin configAdmin;
    private final BundleTracker<Plugged> tracker;
    /** Bridge name → the device bundle that claimed it; a second bundle naming it is refused. */
    private final Map<String, Long> claims = new HashMap<>();

    @Activate
    public BridgeExtender(BundleContext context, @Reference ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
        this.tracker = new BundleTracker<>(context, Bundle.ACTIVE, this);
        tracker.open();
        deleteConfigurationsOfGoneBundles();
    }

    @Deactivate
    void deactivate() {
        tracker.close(); // unplugs every bridge this extender plugged in
    }

    @Override
    public Plugged addingBundle(Bundle bundle, BundleEvent event) {
        if (!DeviceDescriptor.isDeviceBundle(bundle)) {
            return null;
        }
        try {
            DeviceDescriptor d = DeviceDescriptor.read(bundle);
            synchronized (claims) {
                Long owner = claims.get(d.bridgeName());
                if (owner != null && owner != bundle.getBundleId()) {
                    LOG.severe(() -> "device bundle " + bundle.getSymbolicName() + " [" + bundle.getBundleId()
                            + "] names bridge '" + d.bridgeName() + "', already plugged in by bundle " + owner
                            + "; ignored");
                    return null;
                }
                claims.put(d.bridgeName(), bundle.getBundleId());
            }
            Configuration c = configAdmin.getFactoryConfiguration(BridgeDeviceComponent.PID, d.bridgeName());
            c.update(d.properties());
            LOG.fine(() -> "bridge " + d.bridgeName() + " plugged in by " + bundle.getSymbolicName());
            return new Plugged(d.bridgeName(), c);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.SEVERE, "device bundle " + bundle.getSymbolicName() + " [" + bundle.getBundleId()
                    + "] not plugged in: " + e.getMessage(), e);
            return null;
        }
    }

    @Override
    public void modifiedBundle(Bundle bundle, BundleEvent event, Plugged plugged) {
        // still ACTIVE: nothing changes for the bridge
    }

    @Override
    public void removedBundle(Bundle bundle, BundleEvent event, Plugged plugged) {
        synchronized (claims) {
            claims.remove(plugged.bridgeName(), bundle.getBundleId());
        }
        try {
            plugged.configuration().delete();
            LOG.fine(() -> "bridge " + plugged.bridgeName() + " unplugged with " + bundle.getSymbolicName());
        } catch (IOException | IllegalStateException e) {
            // IllegalStateException: already deleted (e.g. by an operator)
            LOG.log(Level.FINE, "configuration of bridge " + plugged.bridgeName() + " already gone", e);
        }
    }

    /**
     * Configurations written for device bundles that are no longer active (the framework stopped
     * while they were plugged in, or they were uninstalled while this extender was down) would
     * otherwise bring back bridges nobody plugged in.
     */
    private void deleteConfigurationsOfGoneBundles() {
        try {
            Configuration[] written = configAdmin.listConfigurations("(&(" + ConfigurationAdmin.SERVICE_FACTORYPID
                    + "=" + BridgeDeviceComponent.PID + ")(" + DeviceDescriptor.SOURCE_BUNDLE_ID + "=*))");
            if (written == null) {
                return;
            }
            for (Configuration c : written) {
                Object id = c.getProperties() == null ? null : c.getProperties().get(DeviceDescriptor.SOURCE_BUNDLE_ID);
                boolean live = false;
                synchronized (claims) {
                    live = id instanceof Long l && claims.containsValue(l);
                }
                if (!live) {
                    LOG.info(() -> "deleting configuration " + c.getPid() + " of a device bundle that is gone");
                    c.delete();
                }
            }
        } catch (IOException | InvalidSyntaxException | IllegalStateException e) {
            LOG.log(Level.WARNING, "could not look for configurations of gone device bundles", e);
        }
    }

    @Override
    public String toString() {
        return "bridge extender " + EXTENDER + " " + EXTENDER_VERSION;
    }
}

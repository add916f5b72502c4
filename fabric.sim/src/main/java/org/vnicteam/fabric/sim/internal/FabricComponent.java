package org.vnicteam.fabric.sim.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.vnicteam.api.fabric.FabricControl;
import org.vnicteam.api.fabric.FabricStatus;
import org.vnicteam.api.verbs.Hca;
import org.vnicteam.api.verbs.HcaProvider;
import org.vnicteam.api.verbs.VerbsException;

/**
 * The simulated fabric as a service: topology from Config Admin (PID {@value #PID}), the
 * default two-switch fabric when there is no configuration. A configuration change rebuilds
 * the fabric: consumers see the services go and come back, as after a fabric restart.
 *
 * <p>The component registers its services itself, after the topology was accepted: declared
 * services would be registered by SCR before activation and stay registered when a bad
 * topology makes activation fail, so consumers would bind a fabric that does not exist.
 */
@Component(configurationPid = FabricComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {}, immediate = true)
@Designate(ocd = FabricComponent.Config.class)
public final class FabricComponent implements HcaProvider, FabricControl {

    public static final String PID = "org.vnicteam.fabric";

    @ObjectClassDefinition(id = PID, name = "vnicteam simulated InfiniBand fabric",
            description = "Nodes, links and partitions of the simulated fabric.")
    public @interface Config {
        @AttributeDefinition(description = "Fabric name, used for the engine thread and logs.")
        String name() default "fabric";

        @AttributeDefinition(description = "Nodes: 'NAME ca|switch PORTS'.")
        String[] nodes() default { "server ca 1", "bridgeA ca 1", "bridgeB ca 1", "sw1 switch 8", "sw2 switch 8" };

        @AttributeDefinition(description = "Links: 'NODE:PORT NODE:PORT [name=N] [mtu=256..4096] [latency=5us] "
                + "[loss=0.01] [ber=1e-9] [up=true|false]'.")
        String[] links() default { "server:1 sw1:3 name=server-sw1", "sw1:1 sw2:1 name=isl1", "sw1:2 sw2:2 name=isl2",
                "bridgeA:1 sw2:3 name=bridgeA-sw2", "bridgeB:1 sw2:4 name=bridgeB-sw2" };

        @AttributeDefinition(description = "Partitions: 'PKEY=MEMBER,...' ('*' all, '~name' limited member).")
        String[] partitions() default { "0xFFFF=*" };

        @AttributeDefinition(description = "Seed of the loss and bit-error generator (repeatable runs).")
        long seed() default 1;
    }

    private final SimFabric fabric;
    private final ServiceRegistration<?> registration;

    @Activate
    public FabricComponent(Config config, BundleContext context, Map<String, Object> properties) {
        fabric = new SimFabric(config.name(), TopologySpec.parse(config.nodes(), config.links(), config.partitions()),
                config.seed());
        Hashtable<String, Object> serviceProperties = new Hashtable<>();
        properties.forEach((k, v) -> {
            if (!k.startsWith(".") && !k.equals("component.id") && !k.equals("component.name")) {
                serviceProperties.put(k, v);
            }
        });
        registration = context.registerService(
                new String[] { HcaProvider.class.getName(), FabricControl.class.getName() }, this, serviceProperties);
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping and the framework unregistered it first
        }
        fabric.close();
    }

    @Override
    public List<String> adapters() {
        return fabric.adapters();
    }

    @Override
    public Hca open(String adapterName) throws VerbsException {
        return fabric.open(adapterName);
    }

    @Override
    public FabricStatus status() {
        return fabric.status();
    }

    @Override
    public void setLinkUp(String link, boolean up) {
        fabric.setLinkUp(link, up);
    }

    @Override
    public void setLinkImpairment(String link, double lossRate, double bitErrorRate) {
        fabric.setLinkImpairment(link, lossRate, bitErrorRate);
    }

    @Override
    public Capture capture(String node, int port, Path file) throws IOException {
        return fabric.capture(node, port, file);
    }
}

package org.vnicteam.host.driver.internal;

import java.nio.ByteBuffer;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
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
import org.vnicteam.fabric.sim.ethernet.SimIpHost;

/**
 * The embedded default's upper binding: the server's IP stack on one VLAN is a simulated IP host
 * from fabric.sim (ARP, ICMP echo, UDP echo and sequence streams) whose MAC is the team MAC.
 * One per factory configuration of PID {@value #PID}; a miniport binds it by
 * {@code upper.target=(upper.name=NAME)}.
 *
 * <p>The {@link SimIpHost} itself is also registered as a service (property {@code upper.name}),
 * so that consoles and tests can ping and run streams from the server side. host.driver imports
 * fabric.sim's package optionally: without fabric.sim this component simply is not configured.
 */
@Component(configurationPid = SimHostUpperComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = UpperBinding.class)
@Designate(ocd = SimHostUpperComponent.Config.class, factory = true)
public final class SimHostUpperComponent implements UpperBinding {

    public static final String PID = "org.vnicteam.upper.simhost";

    @ObjectClassDefinition(id = PID, name = "vnicteam simulated server host",
            description = "A simulated IP host as the upper binding of a VLAN miniport.")
    public @interface Config {
        @AttributeDefinition(description = "Binding name (service property upper.name), e.g. 'server-vlan1'.")
        String upper_name();

        @AttributeDefinition(description = "IPv4 address and prefix, e.g. 198.18.1.1/24.")
        String address();

        @AttributeDefinition(description = "MAC address; empty: the team MAC.")
        String mac() default "";

        @AttributeDefinition(description = "Filter selecting the team whose MAC is used.")
        String team_target() default "(name=*)";
    }

    private final SimIpHost host;
    private final ServiceRegistration<SimIpHost> registration;
    private volatile Miniport miniport;
    private volatile boolean media;

    @Activate
    public SimHostUpperComponent(@Reference(name = "team") Team team, Config c, BundleContext context) {
        byte[] mac = Frames.parseMac(c.mac() == null || c.mac().isBlank() ? team.status().teamMac() : c.mac());
        host = new SimIpHost(c.upper_name(), mac, c.address(), this::transmit);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(UpperBinding.NAME, c.upper_name());
        registration = context.registerService(SimIpHost.class, host, props);
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
        host.close();
    }

    private void transmit(ByteBuffer frame, int offset, int length) {
        Miniport m = miniport;
        if (m != null) {
            m.send(frame, offset, length);
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
        }
    }

    @Override
    public void receive(ByteBuffer frame, int offset, int length) {
        host.receive(frame, offset, length);
    }

    @Override
    public void mediaStateChanged(boolean connected) {
        media = connected; // a simulated host has no link state to show; kept for debugging
    }

    @Override
    public String toString() {
        return "upper " + host + (media ? " (connected)" : " (disconnected)");
    }
}

package org.vnicteam.bridge.core.internal;

import java.io.IOException;
import java.util.Hashtable;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.vnicteam.api.ethernet.EthernetPort;

/**
 * An {@link EthernetPort} service on a Linux interface per factory configuration {@value #PID}
 * (e.g. the file {@code org.vnicteam.ethernet.pcap-bridgeA-eth.config}), registered with
 * {@code ethernet.port.name} so that a bridge's {@code ethernetPort.target} binds it.
 *
 * <p>The service is registered by hand because its name property is not a configuration key of
 * the same name. This class, and the pcap4j and lib.linux classes it uses, are loaded only once a
 * configuration exists: bridge.core imports them optionally and resolves without them.
 */
@Component(configurationPid = PcapEthernetPortComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {}, immediate = true)
@Designate(ocd = PcapEthernetPortComponent.Config.class, factory = true)
public final class PcapEthernetPortComponent {

    public static final String PID = "org.vnicteam.ethernet.pcap";
    /** Service property: the Linux interface of the port. */
    public static final String INTERFACE = "ethernet.port.interface";
    /** Service property: its network namespace ("" = the process's own). */
    public static final String NAMESPACE = "ethernet.port.namespace";

    @ObjectClassDefinition(id = PID, name = "vnicteam Ethernet port on a Linux interface",
            description = "A bridge's Ethernet port on a real interface (veth, TAP, NIC) through pcap4j, "
                    + "with carrier from rtnetlink.")
    public @interface Config {
        @AttributeDefinition(name = "Name", required = false,
                description = "Registered as ethernet.port.name, which a bridge's ethernetPort.target names. Empty: "
                        + "the configuration's name, e.g. bridgeA-eth for org.vnicteam.ethernet.pcap-bridgeA-eth.config.")
        String name() default "";

        @AttributeDefinition(name = "Interface", description = "The Linux interface, e.g. eth1 or veth-a (at most 15 "
                + "characters). It may come and go: the port waits for it and reopens its capture.")
        String interface$();

        @AttributeDefinition(name = "Network namespace", required = false,
                description = "The namespace holding the interface, as 'ip netns' names it; empty: the appliance's own.")
        String namespace() default "";

        @AttributeDefinition(name = "MTU", description = "Payload MTU: 1500 carries frames of 1514 bytes, 1518 "
                + "with an 802.1Q tag; longer frames are dropped and counted both ways.")
        int mtu() default 1500;

        @AttributeDefinition(name = "Capture buffer (KiB)", description = "The kernel ring the capture reads from.")
        int buffer_kib() default PcapPortSettings.DEFAULT_BUFFER_KIB;

        @AttributeDefinition(name = "Bring the interface up",
                description = "Set the interface administratively up when the port starts (later downs are left alone).")
        boolean interface_up() default true;

        @AttributeDefinition(name = "Reopen interval (ms)",
                description = "How often the capture is tried again while the interface is up but it cannot be opened.")
        int reopen_interval_ms() default PcapPortSettings.DEFAULT_REOPEN_MILLIS;
    }

    private final PcapEthernetPort port;
    private final ServiceRegistration<EthernetPort> registration;

    @Activate
    public PcapEthernetPortComponent(Config config, BundleContext context, Map<String, Object> properties)
            throws IOException {
        String name = config.name().isBlank() ? configurationName(properties) : config.name().trim();
        PcapPortSettings settings = new PcapPortSettings(name, config.interface$(), config.namespace(), config.mtu(),
                config.buffer_kib(), config.interface_up(), config.reopen_interval_ms());
        port = PcapEthernetPort.open(settings);
        Hashtable<String, Object> serviceProperties = new Hashtable<>();
        serviceProperties.put(EthernetPort.NAME, name);
        serviceProperties.put(INTERFACE, settings.interfaceName());
        serviceProperties.put(NAMESPACE, settings.namespace());
        try {
            registration = context.registerService(EthernetPort.class, port, serviceProperties);
        } catch (RuntimeException e) {
            port.close();
            throw e;
        }
    }

    /** NAME of a factory configuration FACTORYPID~NAME (what FileInstall makes of FACTORYPID-NAME.config). */
    static String configurationName(Map<String, Object> properties) {
        Object pid = properties.get(Constants.SERVICE_PID);
        String text = pid == null ? "" : pid.toString();
        int tilde = text.indexOf('~');
        if (tilde < 0 || tilde == text.length() - 1) {
            throw new IllegalArgumentException("Ethernet port configuration " + text + " has no name: set 'name'");
        }
        return text.substring(tilde + 1);
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException e) {
            // already gone with the bundle
        }
        port.close();
    }
}

package org.vnicteam.bridge.core.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.vnicteam.api.bridge.BridgeDevice;
import org.vnicteam.api.bridge.BridgeStatus;
import org.vnicteam.api.bridge.DataChannel;
import org.vnicteam.api.bridge.LinkListener;
import org.vnicteam.api.ethernet.EthernetPort;
import org.vnicteam.api.verbs.Hca;
import org.vnicteam.api.verbs.HcaProvider;
import org.vnicteam.api.verbs.VerbsException;

/**
 * A bridge device per factory configuration {@value #PID}: opens its own HCA on the fabric (its
 * "power on"), binds the Ethernet port its configuration targets, and runs the DATA path. Deleting
 * the configuration, or losing the fabric or the port, deactivates it and closes the HCA: to the
 * fabric and the host, an unplug.
 */
@Component(configurationPid = BridgeDeviceComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = BridgeDevice.class)
@Designate(ocd = BridgeDeviceComponent.Config.class, factory = true)
public final class BridgeDeviceComponent implements BridgeDevice {

    public static final String PID = "org.vnicteam.bridge";
    /** Matches no port: a configuration without {@code ethernetPort.target} binds nothing. */
    static final String NO_PORT = "(&(" + EthernetPort.NAME + "=*)(!(" + EthernetPort.NAME + "=*)))";

    @ObjectClassDefinition(id = PID, name = "vnicteam bridge device",
            description = "One IB-to-Ethernet bridge: its fabric adapter, its Ethernet port and its addresses.")
    public @interface Config {
        @AttributeDefinition(name = "Name", description = "The bridge's name, announced in LOGIN_ACK.")
        String bridge_name();

        @AttributeDefinition(name = "Fabric adapter",
                description = "The channel adapter the bridge opens on the fabric, e.g. bridgeA.")
        String bridge_adapter();

        @AttributeDefinition(name = "Ethernet port",
                description = "Target filter of the Ethernet port service, e.g. (ethernet.port.name=bridgeA-eth).")
        String ethernetPort_target() default NO_PORT;

        @AttributeDefinition(name = "Ethernet MTU",
                description = "Payload MTU: 1500 carries frames of 1514 bytes, 1518 with an 802.1Q tag.")
        int ethernet_mtu() default BridgeSettings.DEFAULT_MTU;

        @AttributeDefinition(name = "MAC", description = "The bridge's own MAC, aa:bb:cc:dd:ee:ff; "
                + "empty derives a locally administered one from the adapter's node GUID.")
        String bridge_mac() default "";

        @AttributeDefinition(name = "Most VLANs per session")
        int max_vlans() default BridgeSettings.DEFAULT_MAX_VLANS;

        @AttributeDefinition(name = "Most sessions", description = "Data channels served at once.")
        int max_channels() default BridgeSettings.DEFAULT_MAX_CHANNELS;

        @AttributeDefinition(name = "Receives per channel",
                description = "Receive buffers kept posted for frames from the host.")
        int host_receives() default BridgeSettings.DEFAULT_HOST_RECEIVES;

        @AttributeDefinition(name = "Send slots per channel",
                description = "Buffers for frames to the host; a frame with none free is dropped and counted.")
        int host_sendSlots() default BridgeSettings.DEFAULT_HOST_SEND_SLOTS;

        @AttributeDefinition(name = "Probe interval (ms)", description = "A probe frame to the team's other "
                + "bridges on every programmed VLAN this often, and a check of what was heard there; 0 = no probes.")
        int probe_interval_ms() default 0;

        @AttributeDefinition(name = "Probe misses", description = "An armed VLAN that heard nothing (no probe, no "
                + "other frame) for this many intervals is lost: the bridge reports its path lost.")
        int probe_misses() default ProbeSettings.DEFAULT_MISSES;

        @AttributeDefinition(name = "Probe settle time (ms)", description = "A VLAN's path is watched only after the "
                + "team's other bridges have been heard on it this long without a silent window; 0 = at once.")
        int probe_settle_ms() default 0;

        @AttributeDefinition(name = "Probe window bound (ms)", description = "A VLAN whose silences ended with "
                + "every peer's probes arriving late but in sequence (a switch that stalls) is lost only after "
                + "1.5 times the longest such silence, decaying, and never later than this; at or below interval × "
                + "misses (0, the default, included) the window is fixed.")
        int probe_window_max_ms() default 0;
    }

    private final Bridge bridge;

    @Activate
    public BridgeDeviceComponent(Config config, @Reference(name = "fabric") HcaProvider fabric,
            @Reference(name = "ethernetPort", target = NO_PORT) EthernetPort port) throws VerbsException {
        BridgeSettings settings = new BridgeSettings(config.bridge_name(), config.bridge_adapter(), port.name(),
                config.ethernet_mtu(), config.bridge_mac().isBlank() ? -1 : Frames.parseMac(config.bridge_mac()),
                config.max_vlans(), config.max_channels(), config.host_receives(), config.host_sendSlots());
        ProbeSettings probes = ProbeSettings.ofMillis(config.probe_interval_ms(), config.probe_misses(),
                config.probe_settle_ms(), config.probe_window_max_ms());
        Hca hca = fabric.open(settings.adapter());
        Bridge b;
        try {
            b = new Bridge(settings, hca, port, probes);
        } catch (VerbsException | RuntimeException e) {
            hca.close();
            throw e;
        }
        bridge = b;
        bridge.publishAs(this);
        bridge.start();
    }

    @Deactivate
    void deactivate() {
        bridge.close();
    }

    @Override
    public String name() {
        return bridge.name();
    }

    @Override
    public String adapterName() {
        return bridge.adapterName();
    }

    @Override
    public Hca hca() {
        return bridge.hca();
    }

    @Override
    public byte[] macAddress() {
        return bridge.macAddress();
    }

    @Override
    public int ethernetMtu() {
        return bridge.ethernetMtu();
    }

    @Override
    public int maxVlans() {
        return bridge.maxVlans();
    }

    @Override
    public int maxChannels() {
        return bridge.maxChannels();
    }

    @Override
    public boolean carrier() {
        return bridge.carrier();
    }

    @Override
    public long carrierChanges() {
        return bridge.carrierChanges();
    }

    @Override
    public boolean probing() {
        return bridge.probing();
    }

    @Override
    public DataChannel openDataChannel(DataChannel.Peer peer) throws VerbsException {
        return bridge.openDataChannel(peer);
    }

    @Override
    public void addLinkListener(LinkListener listener) {
        bridge.addLinkListener(listener);
    }

    @Override
    public void removeLinkListener(LinkListener listener) {
        bridge.removeLinkListener(listener);
    }

    @Override
    public BridgeStatus status() {
        return bridge.status();
    }

    @Override
    public String toString() {
        return bridge.toString();
    }
}

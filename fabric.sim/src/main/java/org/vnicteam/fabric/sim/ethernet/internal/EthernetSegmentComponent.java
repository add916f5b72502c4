package org.vnicteam.fabric.sim.ethernet.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;

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
import org.vnicteam.fabric.sim.ethernet.EthernetSegmentControl;
import org.vnicteam.fabric.sim.ethernet.SegmentStatus;
import org.vnicteam.fabric.sim.ethernet.SimIpHost;

/**
 * The simulated Ethernet segment as services: built from Config Admin (PID {@value #PID}; the
 * patent's FIG. 5 when there is no configuration), it registers the control service and one
 * {@link EthernetPort} service per bridge-facing switch port, with the service property
 * {@value EthernetPort#NAME} = the port's name (e.g. {@code bridgeA-eth}) for a bridge's target
 * filter. A configuration change rebuilds the segment: bridges see their port service go (carrier
 * down first) and come back.
 */
@Component(configurationPid = EthernetSegmentComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = EthernetSegmentControl.class, immediate = true)
@Designate(ocd = EthernetSegmentComponent.Config.class)
public final class EthernetSegmentComponent implements EthernetSegmentControl {

    public static final String PID = "org.vnicteam.ethernet";

    @ObjectClassDefinition(id = PID, name = "vnicteam simulated Ethernet segment",
            description = "Switch ports of the simulated Ethernet segment and what is cabled to each "
                    + "(bridge Ethernet ports, simulated IP hosts).")
    public @interface Config {
        @AttributeDefinition(description = "Segment name: event thread 'ethernet-NAME', service property "
                + "ethernet.segment of its EthernetPort services.")
        String name() default "ethernet";

        @AttributeDefinition(description = "Switch ports: 'NAME access=VID|trunk=VID,VID-VID "
                + "(bridge=PORTNAME [mac=MAC] | host=HOSTNAME) [up=true|false]'. A bridge=PORTNAME port is "
                + "registered as an EthernetPort service with ethernet.port.name=PORTNAME.")
        String[] ports() default { "p1 trunk=1,2 bridge=bridgeA-eth", "p2 trunk=1,2 bridge=bridgeB-eth",
            "p3 access=1 host=client1", "p4 access=1 host=client2", "p5 access=2 host=client3",
            "p6 access=2 host=client4" };

        @AttributeDefinition(description = "Simulated IP hosts: 'NAME ip=A.B.C.D/LEN [mac=MAC|auto] [vlan=VID]' "
                + "(vlan only for a host on a trunk port; mac auto = 02:00 followed by the address).")
        String[] hosts() default { "client1 ip=198.18.1.11/24", "client2 ip=198.18.1.12/24",
            "client3 ip=198.18.2.13/24", "client4 ip=198.18.2.14/24" };

        @AttributeDefinition(description = "FDB ageing time in seconds.", min = "1")
        long ageingSeconds() default 300;

        @AttributeDefinition(description = "Frames the segment's queue holds before it drops (counted).",
                min = "16", max = "1048576")
        int queueCapacity() default 4096;

        @AttributeDefinition(description = "Largest untagged frame without FCS, bytes (a tag adds 4).",
                min = "1514", max = "9216")
        int maxFrameSize() default 1514;
    }

    private final SimSegment segment;
    private final List<ServiceRegistration<EthernetPort>> registrations = new ArrayList<>();

    @Activate
    public EthernetSegmentComponent(BundleContext context, Config config) {
        segment = new SimSegment(SegmentSpec.parse(config.name(), Arrays.asList(config.ports()),
                Arrays.asList(config.hosts()), config.ageingSeconds() * 1_000_000_000L, config.queueCapacity(),
                config.maxFrameSize()));
        try {
            for (String name : segment.bridgePortNames()) {
                Hashtable<String, Object> props = new Hashtable<>();
                props.put(EthernetPort.NAME, name);
                props.put(EthernetSegmentControl.SEGMENT, segment.name());
                props.put(Constants.SERVICE_DESCRIPTION, "simulated Ethernet port " + name + " of segment "
                        + segment.name());
                registrations.add(context.registerService(EthernetPort.class, segment.bridgePort(name), props));
            }
        } catch (RuntimeException e) {
            deactivate();
            throw e;
        }
    }

    @Deactivate
    void deactivate() {
        segment.close(); // carrier down first: bridges hear it as a link loss, then the services go
        for (ServiceRegistration<EthernetPort> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
        registrations.clear();
    }

    @Override
    public String name() {
        return segment.name();
    }

    @Override
    public SegmentStatus status() {
        return segment.status();
    }

    @Override
    public List<SegmentStatus.FdbEntry> fdb() {
        return segment.fdb();
    }

    @Override
    public SegmentStatus.PortStatus port(String port) {
        return segment.port(port);
    }

    @Override
    public void setPortUp(String port, boolean up) {
        segment.setPortUp(port, up);
    }

    @Override
    public void setPortAttached(String port, boolean attached) {
        segment.setPortAttached(port, attached);
    }

    @Override
    public void setVlanCarried(String port, int vid, boolean carried) {
        segment.setVlanCarried(port, vid, carried);
    }

    @Override
    public List<String> hostNames() {
        return segment.hostNames();
    }

    @Override
    public SimIpHost host(String name) {
        return segment.host(name);
    }

    @Override
    public void flushFdb() {
        segment.flushFdb();
    }
}

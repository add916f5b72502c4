package org.vnicteam.fabric.sim.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.InetAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.pcap4j.packet.ArpPacket;
import org.pcap4j.packet.Dot1qVlanTagPacket;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.namednumber.ArpHardwareType;
import org.pcap4j.packet.namednumber.ArpOperation;
import org.pcap4j.packet.namednumber.EtherType;
import org.pcap4j.util.MacAddress;
import org.vnicteam.api.ethernet.EthernetPort;
import org.vnicteam.fabric.sim.ethernet.EthernetSegmentControl;
import org.vnicteam.fabric.sim.ethernet.SegmentStatus;
import org.vnicteam.lib.pcap4j.Pcap4j;

/**
 * The simulated Ethernet segment in Felix with SCR, Config Admin, JNA, the pcap4j wrapper, api
 * and fabric.sim: the default (FIG. 5) segment comes up without configuration and registers the
 * bridges' EthernetPort services; pcap4j parses real packet types inside the framework (the
 * thread-context-class-loader trap is solved); and a test-side "bridge" on bridgeA-eth gets
 * client1's ARP reply tagged VLAN 1 while VLAN 2's clients never see the request. A
 * configuration for PID {@value #PID} rebuilds the segment; deleting it brings the default back.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EthernetSegmentIT {

    static final long WAIT_NANOS = 10_000_000_000L;
    static final String PID = "org.vnicteam.ethernet";
    static final MacAddress TEAM_MAC = MacAddress.getByName("02:00:00:00:0a:01");

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() {
        return FrameworkOptions.felixWithScr();
    }

    @Test
    public void givenTheWrapper_thenPcap4jAndJnaAreBundlesOfTheFramework() {
        Bundle wrapper = FrameworkUtil.getBundle(EthernetPacket.class);
        assertNotNull("EthernetPacket must come from a bundle, not the class path", wrapper);
        assertEquals("org.vnicteam.lib.pcap4j", wrapper.getSymbolicName());
        assertEquals(Bundle.ACTIVE, wrapper.getState());
        Bundle jna = FrameworkUtil.getBundle(com.sun.jna.Platform.class);
        assertNotNull(jna);
        assertEquals("5.19.1", jna.getVersion().toString());
        // pcap4j logs through slf4j (its packet classes make loggers in static initialisers): here
        // Pax Exam's own logging bundle exports org.slf4j; the appliance has slf4j-api 2.x
        Bundle slf4j = FrameworkUtil.getBundle(org.slf4j.LoggerFactory.class);
        System.out.println("org.slf4j for pcap4j comes from " + (slf4j == null ? "the class path"
                : slf4j.getSymbolicName() + " " + slf4j.getVersion()));
    }

    @Test
    public void givenAFrameBuiltWithPcap4jInTheFramework_whenParsed_thenItIsAnArpPacketNotUnknown() throws Exception {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        // a context class loader that sees nothing: what a random bundle thread may have
        t.setContextClassLoader(new URLClassLoader(new URL[0], null));
        try {
            assertTrue("static factory: " + Pcap4j.etherTypeFactoryClass(),
                    Pcap4j.etherTypeFactoryClass().startsWith("org.pcap4j.packet.factory.statik."));
            byte[] raw = arpRequest(TEAM_MAC, "198.18.1.1", "198.18.1.11", 1);
            EthernetPacket parsed = EthernetPacket.newPacket(raw, 0, raw.length);
            Packet payload = parsed.getPayload();
            assertTrue("payload " + payload.getClass().getName(), payload instanceof Dot1qVlanTagPacket);
            assertTrue("inner payload " + payload.getPayload().getClass().getName(),
                    payload.getPayload() instanceof ArpPacket);
            assertEquals(ArpOperation.REQUEST, parsed.get(ArpPacket.class).getHeader().getOperation());
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    @Test
    public void givenNoConfiguration_thenTheDefaultSegmentRegistersBothBridgePorts() throws Exception {
        EthernetSegmentControl control = service(EthernetSegmentControl.class, null);
        SegmentStatus st = control.status();
        assertEquals(6, st.ports().size());
        assertEquals(List.of("client1", "client2", "client3", "client4"), control.hostNames());
        for (String name : new String[] { "bridgeA-eth", "bridgeB-eth" }) {
            EthernetPort port = service(EthernetPort.class, "(" + EthernetPort.NAME + "=" + name + ")");
            assertEquals(name, port.name());
            assertTrue(name + " has carrier", port.carrier());
            assertEquals(1518, port.maxFrameSize());
        }
    }

    @Test
    public void givenATestBridgeOnBridgeA_whenItAsksForClient1OnVlan1_thenTheReplyIsTaggedVlan1_andVlan2NeverSeesIt()
            throws Exception {
        EthernetSegmentControl control = service(EthernetSegmentControl.class, null);
        EthernetPort bridgeA = service(EthernetPort.class, "(" + EthernetPort.NAME + "=bridgeA-eth)");
        LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        bridgeA.setReceiver((frame, offset, length) -> {
            byte[] copy = new byte[length];
            frame.get(offset, copy, 0, length);
            received.add(copy);
        });
        try {
            SegmentStatus before = control.status();
            byte[] request = arpRequest(TEAM_MAC, "198.18.1.1", "198.18.1.11", 1);
            assertTrue(bridgeA.send(ByteBuffer.wrap(request), 0, request.length));
            byte[] reply = received.poll(10, TimeUnit.SECONDS);
            assertNotNull("no ARP reply at bridgeA-eth", reply);
            EthernetPacket eth = EthernetPacket.newPacket(reply, 0, reply.length);
            Dot1qVlanTagPacket tag = eth.get(Dot1qVlanTagPacket.class);
            assertNotNull("the reply is tagged", tag);
            assertEquals(1, tag.getHeader().getVidAsInt());
            ArpPacket arp = eth.get(ArpPacket.class);
            assertNotNull("the reply is ARP: " + eth, arp);
            assertEquals(ArpOperation.REPLY, arp.getHeader().getOperation());
            assertEquals(InetAddress.getByName("198.18.1.11"), arp.getHeader().getSrcProtocolAddr());
            assertEquals(TEAM_MAC, eth.getHeader().getDstAddr());
            SegmentStatus after = control.status();
            for (String vlan2 : new String[] { "client3", "client4" }) {
                assertEquals(vlan2 + "'s port sent nothing", before.port(vlan2).counters().txFrames(),
                        after.port(vlan2).counters().txFrames());
                assertEquals(vlan2 + " received nothing", before.host(vlan2).counters().rxFrames(),
                        after.host(vlan2).counters().rxFrames());
            }
            assertTrue("client1 answered", after.host("client1").counters().arpRequestsAnswered()
                    > before.host("client1").counters().arpRequestsAnswered());
        } finally {
            bridgeA.setReceiver(null);
        }
    }

    @Test
    public void givenAConfiguration_thenTheSegmentIsRebuiltFromIt_andWithoutOneTheDefaultComesBack() throws Exception {
        ConfigurationAdmin cm = service(ConfigurationAdmin.class, null);
        org.osgi.service.cm.Configuration c = cm.getConfiguration(PID, "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("name", "lab");
        props.put("ports", new String[] { "uplink trunk=10,20 bridge=bridgeC-eth", "desk access=10 host=pc" });
        props.put("hosts", new String[] { "pc ip=198.18.10.5/24" });
        try {
            c.update(props);
            EthernetPort bridgeC = service(EthernetPort.class, "(&(" + EthernetPort.NAME + "=bridgeC-eth)("
                    + EthernetSegmentControl.SEGMENT + "=lab))");
            assertEquals("bridgeC-eth", bridgeC.name());
            EthernetSegmentControl control = service(EthernetSegmentControl.class, "(name=lab)");
            assertEquals(List.of("pc"), control.hostNames());
            awaitGone("(" + EthernetPort.NAME + "=bridgeA-eth)");
        } finally {
            c.delete();
        }
        service(EthernetPort.class, "(" + EthernetPort.NAME + "=bridgeA-eth)");
        assertEquals(List.of("client1", "client2", "client3", "client4"),
                service(EthernetSegmentControl.class, "(name=ethernet)").hostNames());
    }

    private void awaitGone(String filter) throws Exception {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!context.getServiceReferences(EthernetPort.class, filter).isEmpty()) {
            if (System.nanoTime() > deadline) {
                fail("still registered after 10 s: " + filter);
            }
            Thread.sleep(10);
        }
    }

    static byte[] arpRequest(MacAddress src, String srcIp, String targetIp, int vid) throws Exception {
        ArpPacket.Builder arp = new ArpPacket.Builder()
                .hardwareType(ArpHardwareType.ETHERNET)
                .protocolType(EtherType.IPV4)
                .hardwareAddrLength((byte) MacAddress.SIZE_IN_BYTES)
                .protocolAddrLength((byte) 4)
                .operation(ArpOperation.REQUEST)
                .srcHardwareAddr(src)
                .srcProtocolAddr(InetAddress.getByName(srcIp))
                .dstHardwareAddr(MacAddress.getByName("00:00:00:00:00:00"))
                .dstProtocolAddr(InetAddress.getByName(targetIp));
        Dot1qVlanTagPacket.Builder tag = new Dot1qVlanTagPacket.Builder().priority((byte) 0).cfi(false)
                .vid((short) vid).type(EtherType.ARP).payloadBuilder(arp);
        return new EthernetPacket.Builder().dstAddr(MacAddress.ETHER_BROADCAST_ADDRESS).srcAddr(src)
                .type(EtherType.DOT1Q_VLAN_TAGGED_FRAMES).payloadBuilder(tag).paddingAtBuild(true).build()
                .getRawData();
    }

    /** Waits (bounded) for a service, failing with what is registered. */
    private <T> T service(Class<T> type, String filter) throws InvalidSyntaxException, InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (true) {
            Collection<ServiceReference<T>> refs = context.getServiceReferences(type, filter);
            if (!refs.isEmpty()) {
                T s = context.getService(refs.iterator().next());
                if (s != null) {
                    return s;
                }
            }
            if (System.nanoTime() > deadline) {
                List<String> seen = new ArrayList<>();
                ServiceReference<?>[] all = context.getAllServiceReferences(null, null);
                for (ServiceReference<?> r : all == null ? new ServiceReference<?>[0] : all) {
                    seen.add(String.valueOf(r.getProperty("objectClass") instanceof String[] a ? List.of(a) : "?")
                            + (r.getProperty(EthernetPort.NAME) == null ? "" : " " + r.getProperty(EthernetPort.NAME)));
                }
                fail("no " + type.getName() + (filter == null ? "" : " " + filter) + " within 10 s; services: " + seen);
            }
            Thread.sleep(10);
        }
    }
}

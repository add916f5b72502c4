package org.vnicteam.fabric.sim.ethernet.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pcap4j.packet.Dot1qVlanTagPacket;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IllegalRawDataException;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.EtherType;
import org.pcap4j.util.MacAddress;
import org.vnicteam.fabric.sim.ethernet.PortMode;
import org.vnicteam.fabric.sim.ethernet.SegmentStatus;
import org.vnicteam.lib.pcap4j.Pcap4j;

/**
 * The switch alone, driven with an explicit clock. Ports: 0 and 1 trunks of VLANs 1, 2; 2 and 3
 * access VLAN 1; 4 and 5 access VLAN 2; 6 a trunk of VLANs 2, 3.
 */
class SwitchCoreTest {

    static {
        Pcap4j.init();
    }

    static final long S = 1_000_000_000L;
    static final EtherType EXPERIMENTAL = EtherType.getInstance((short) 0x88B5);
    static final int UNTAGGED = -1;
    static final int PRIORITY_TAGGED = 0;

    static final PortMode[] MODES = { PortMode.TRUNK, PortMode.TRUNK, PortMode.ACCESS, PortMode.ACCESS, PortMode.ACCESS,
        PortMode.ACCESS, PortMode.TRUNK };
    static final List<List<Integer>> VIDS = List.of(List.of(1, 2), List.of(1, 2), List.of(1), List.of(1), List.of(2),
            List.of(2), List.of(2, 3));

    SwitchCore sw;
    List<List<byte[]>> out;
    long now = 10 * S;

    @BeforeEach
    void setUp() {
        build(300 * S);
    }

    private void build(long ageing) {
        List<SwitchCore.Port> ports = new ArrayList<>();
        out = new ArrayList<>();
        for (int i = 0; i < MODES.length; i++) {
            SwitchCore.Port p = SwitchCore.port(i, "p" + i, MODES[i], VIDS.get(i), true);
            List<byte[]> sink = new ArrayList<>();
            out.add(sink);
            p.setEgress((view, frame, length) -> {
                byte[] copy = new byte[length];
                view.get(0, copy, 0, length); // through the read-only view, as a bridge would
                sink.add(copy);
            });
            ports.add(p);
        }
        sw = new SwitchCore(ports, 64, ageing, 1514);
    }

    static MacAddress host(int n) {
        return MacAddress.getByAddress(new byte[] { 2, 0, 0, 0, 0, (byte) n });
    }

    /** A frame built with pcap4j: {@code vid} -1 untagged, 0 priority-tagged (PCP 5), else tagged. */
    static byte[] frame(MacAddress dst, MacAddress src, int vid, int payload) {
        UnknownPacket.Builder body = new UnknownPacket.Builder().rawData(new byte[payload]);
        EthernetPacket.Builder eth = new EthernetPacket.Builder().dstAddr(dst).srcAddr(src).paddingAtBuild(true);
        if (vid < 0) {
            eth.type(EXPERIMENTAL).payloadBuilder(body);
        } else {
            eth.type(EtherType.DOT1Q_VLAN_TAGGED_FRAMES).payloadBuilder(new Dot1qVlanTagPacket.Builder()
                    .priority((byte) (vid == 0 ? 5 : 3)).cfi(false).vid((short) vid).type(EXPERIMENTAL)
                    .payloadBuilder(body));
        }
        return eth.build().getRawData();
    }

    static EthernetPacket parse(byte[] f) {
        try {
            return EthernetPacket.newPacket(f, 0, f.length);
        } catch (IllegalRawDataException e) {
            throw new AssertionError(e);
        }
    }

    static int vidOf(byte[] f) {
        Dot1qVlanTagPacket tag = parse(f).get(Dot1qVlanTagPacket.class);
        return tag == null ? UNTAGGED : tag.getHeader().getVidAsInt();
    }

    private void in(int port, byte[] f) {
        sw.ingress(port, f, f.length, now);
    }

    private Set<Integer> portsThatSent() {
        Set<Integer> s = new TreeSet<>();
        for (int i = 0; i < out.size(); i++) {
            if (!out.get(i).isEmpty()) {
                s.add(i);
            }
        }
        return s;
    }

    private void clearOut() {
        out.forEach(List::clear);
    }

    private static boolean accepts(int port, int tag) {
        if (MODES[port] == PortMode.TRUNK) {
            return tag > 0 && VIDS.get(port).contains(tag);
        }
        return tag == UNTAGGED || tag == PRIORITY_TAGGED || tag == VIDS.get(port).get(0);
    }

    static Stream<Arguments> everyIngressAndTag() {
        List<Arguments> a = new ArrayList<>();
        for (int port = 0; port < MODES.length; port++) {
            for (int tag : new int[] { UNTAGGED, PRIORITY_TAGGED, 1, 2, 3 }) {
                for (String dst : new String[] { "broadcast", "multicast", "unknown", "known" }) {
                    a.add(Arguments.of(port, tag, dst));
                }
            }
        }
        return a.stream();
    }

    /**
     * Every ingress port x every tagging x every destination kind: the frame is accepted exactly
     * when the port's mode allows it, and then leaves only on ports of its VLAN, tagged with its
     * VID on trunks and untagged on access ports, never on the ingress port; flooded to all other
     * ports of the VLAN unless the destination is known.
     */
    @ParameterizedTest(name = "in p{0} tag {1} dst {2}")
    @MethodSource("everyIngressAndTag")
    void givenAnyFrame_thenItLeavesOnlyOnPortsOfItsVlan_correctlyTagged(int port, int tag, String dst) {
        boolean accepted = accepts(port, tag);
        int vid = MODES[port] == PortMode.TRUNK ? tag : VIDS.get(port).get(0);
        MacAddress to = switch (dst) {
            case "broadcast" -> MacAddress.ETHER_BROADCAST_ADDRESS;
            case "multicast" -> MacAddress.getByName("01:00:5e:00:00:01");
            default -> host(99);
        };
        int knownAt = -1;
        if ("known".equals(dst) && accepted) { // teach the switch host 99 on another port of the VLAN
            for (int k = 0; k < MODES.length; k++) {
                if (k != port && VIDS.get(k).contains(vid)) {
                    knownAt = k;
                    in(k, frame(host(50), host(99), MODES[k] == PortMode.TRUNK ? vid : UNTAGGED, 50));
                    break;
                }
            }
            clearOut();
        }
        SegmentStatus.PortCounters before = sw.port(port).counters();
        in(port, frame(to, host(1), tag, 50));
        SegmentStatus.PortCounters after = sw.port(port).counters();

        if (!accepted) {
            assertEquals(Set.of(), portsThatSent(), "a refused frame goes nowhere");
            long drops = (after.droppedWrongVlan() - before.droppedWrongVlan())
                    + (after.droppedUntaggedOnTrunk() - before.droppedUntaggedOnTrunk());
            assertEquals(1, drops, "refused and counted once");
            if (MODES[port] == PortMode.TRUNK && tag <= 0) {
                assertEquals(1, after.droppedUntaggedOnTrunk() - before.droppedUntaggedOnTrunk());
            }
            return;
        }
        assertEquals(1, after.rxFrames() - before.rxFrames());
        Set<Integer> expected = new TreeSet<>();
        if (knownAt >= 0) {
            expected.add(knownAt);
        } else {
            for (int k = 0; k < MODES.length; k++) {
                if (k != port && VIDS.get(k).contains(vid)) {
                    expected.add(k);
                }
            }
        }
        assertEquals(expected, portsThatSent());
        for (int k = 0; k < MODES.length; k++) {
            for (byte[] f : out.get(k)) {
                assertTrue(VIDS.get(k).contains(vid), "frame of VLAN " + vid + " left on p" + k);
                if (MODES[k] == PortMode.TRUNK) {
                    assertEquals(vid, vidOf(f), "trunk egress carries the VID");
                } else {
                    assertEquals(UNTAGGED, vidOf(f), "access egress is untagged");
                    assertTrue(f.length >= 60, "padded to 60");
                }
                assertEquals(1, out.get(k).size());
                assertEquals(host(1), parse(f).getHeader().getSrcAddr());
            }
        }
    }

    @Test
    void givenAFrameFromAHost_thenItsAddressIsLearnedPerVlan_andUnicastToItGoesToOnePort() {
        in(2, frame(MacAddress.ETHER_BROADCAST_ADDRESS, host(2), UNTAGGED, 50)); // host 2 on p2, VLAN 1
        List<SegmentStatus.FdbEntry> fdb = sw.fdb(now);
        assertEquals(1, fdb.size());
        assertEquals(new SegmentStatus.FdbEntry(1, "02:00:00:00:00:02", "p2", 0), fdb.get(0));
        clearOut();
        in(0, frame(host(2), host(7), 1, 50));
        assertEquals(Set.of(2), portsThatSent());
        clearOut();
        in(0, frame(host(2), host(7), 2, 50)); // same MAC, other VLAN: unknown there, flooded in VLAN 2
        assertEquals(Set.of(1, 4, 5, 6), portsThatSent());
    }

    @Test
    void givenATrunkFrame_whenItGoesOutAnotherTrunk_thenPriorityBitsAreKept_andAnAccessPortGetsItUntagged() {
        byte[] f = frame(MacAddress.ETHER_BROADCAST_ADDRESS, host(1), 1, 50); // PCP 3
        in(0, f);
        byte[] onTrunk = out.get(1).get(0);
        Dot1qVlanTagPacket tag = parse(onTrunk).get(Dot1qVlanTagPacket.class);
        assertEquals(3, tag.getHeader().getPriority());
        assertEquals(f.length, onTrunk.length);
        byte[] onAccess = out.get(2).get(0);
        assertEquals(f.length - 4, onAccess.length);
        assertEquals(EXPERIMENTAL, parse(onAccess).getHeader().getType());
        assertTrue(Arrays.equals(Arrays.copyOfRange(f, 16, f.length), Arrays.copyOfRange(onAccess, 12, onAccess.length)));
    }

    @Test
    void givenAMinimalTaggedFrame_whenTheTagIsStripped_thenTheFrameIsPaddedTo60() {
        byte[] f = frame(MacAddress.ETHER_BROADCAST_ADDRESS, host(1), 1, 10); // 60 bytes, tag included
        assertEquals(60, f.length);
        in(0, f);
        assertEquals(60, out.get(2).get(0).length);
        byte[] untagged = frame(MacAddress.ETHER_BROADCAST_ADDRESS, host(3), UNTAGGED, 10);
        clearOut();
        in(2, untagged);
        assertEquals(64, out.get(0).get(0).length, "tagging adds 4 bytes");
    }

    @Test
    void givenAnAgeingTime_thenAnEntryOlderThanItIsForgotten_andUnicastToItIsFloodedAgain() {
        build(10 * S);
        in(3, frame(MacAddress.ETHER_BROADCAST_ADDRESS, host(3), UNTAGGED, 50));
        now += 9 * S;
        clearOut();
        in(2, frame(host(3), host(2), UNTAGGED, 50));
        assertEquals(Set.of(3), portsThatSent(), "9 s later: still known");
        now += 2 * S;
        clearOut();
        in(0, frame(host(3), host(9), 1, 50));
        assertEquals(Set.of(1, 2, 3), portsThatSent(), "11 s after it was last seen: flooded");
        assertEquals(2, sw.fdb(now).size(), "host 2 (seen 2 s ago) and host 9 remain");
        now += 20 * S;
        assertEquals(2, sw.age(now));
        assertEquals(List.of(), sw.fdb(now));
        assertEquals(0, sw.fdbSize());
    }

    @Test
    void givenAddressesOnAPort_whenItsLinkGoesDown_thenTheyAreFlushed_andTheOthersStay() {
        in(2, frame(MacAddress.ETHER_BROADCAST_ADDRESS, host(2), UNTAGGED, 50));
        in(0, frame(MacAddress.ETHER_BROADCAST_ADDRESS, host(10), 1, 50));
        in(0, frame(MacAddress.ETHER_BROADCAST_ADDRESS, host(11), 2, 50));
        assertEquals(3, sw.fdb(now).size());
        sw.port(0).setUp(false);
        assertEquals(2, sw.flushPort(0));
        assertEquals(1, sw.fdb(now).size());
        clearOut();
        in(2, frame(host(10), host(2), UNTAGGED, 50));
        assertEquals(Set.of(1, 3), portsThatSent(), "unknown again, flooded, not to the down port");
        clearOut();
        // a frame the port accepted before the cut, still queued: delivered, but not learned from
        in(0, frame(host(2), host(10), 1, 50));
        assertEquals(Set.of(2), portsThatSent());
        assertTrue(sw.fdb(now).stream().noneMatch(e -> e.port().equals("p0")), "nothing learned on the down port");
        assertEquals(0, sw.port(0).counters().droppedLinkDown());
    }

    @Test
    void givenAMacSeenOnAnotherPort_thenItMoves() {
        in(0, frame(MacAddress.ETHER_BROADCAST_ADDRESS, host(10), 1, 50));
        in(1, frame(MacAddress.ETHER_BROADCAST_ADDRESS, host(10), 1, 50)); // fail-over: team MAC through B
        clearOut();
        in(2, frame(host(10), host(2), UNTAGGED, 50));
        assertEquals(Set.of(1), portsThatSent());
        assertEquals("p1", sw.fdb(now).stream().filter(e -> e.mac().equals("02:00:00:00:00:0a")).findFirst()
                .orElseThrow().port());
    }

    @Test
    void givenKnownUnicastBehindTheIngressPort_thenItIsFiltered() {
        in(2, frame(MacAddress.ETHER_BROADCAST_ADDRESS, host(2), UNTAGGED, 50));
        in(2, frame(MacAddress.ETHER_BROADCAST_ADDRESS, host(3), UNTAGGED, 50));
        clearOut();
        in(2, frame(host(3), host(2), UNTAGGED, 50));
        assertEquals(Set.of(), portsThatSent());
        assertEquals(1, sw.framesFiltered());
    }

    static Stream<Arguments> malformed() {
        byte[] ok = frame(MacAddress.ETHER_BROADCAST_ADDRESS, host(1), 1, 50);
        byte[] vid4095 = ok.clone();
        vid4095[14] |= 0x0F;
        vid4095[15] = (byte) 0xFF;
        byte[] groupSource = ok.clone();
        groupSource[6] |= 1;
        byte[] tooLong = frame(MacAddress.ETHER_BROADCAST_ADDRESS, host(1), 1, 1501);
        return Stream.of(
                Arguments.of("13 bytes", Arrays.copyOf(ok, 13)),
                Arguments.of("tag cut short", Arrays.copyOf(ok, 17)),
                Arguments.of("VID 4095", vid4095),
                Arguments.of("group source address", groupSource),
                Arguments.of("1519 bytes tagged", tooLong));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void givenAMalformedFrame_thenItIsDroppedAndCounted_andNothingIsLearned(String what, byte[] f) {
        in(0, f);
        assertEquals(1, sw.port(0).counters().droppedMalformed(), what);
        assertEquals(0, sw.port(0).counters().rxFrames());
        assertEquals(Set.of(), portsThatSent());
        assertEquals(0, sw.fdbSize());
    }

    @Test
    void givenTheLargestFrames_thenTheyPass() {
        byte[] tagged = frame(MacAddress.ETHER_BROADCAST_ADDRESS, host(1), 1, 1500); // 1518
        assertEquals(1518, tagged.length);
        in(0, tagged);
        assertEquals(1514, out.get(2).get(0).length);
        byte[] untagged = frame(MacAddress.ETHER_BROADCAST_ADDRESS, host(2), UNTAGGED, 1500);
        in(2, untagged);
        assertEquals(1518, out.get(1).get(out.get(1).size() - 1).length);
    }

    @Test
    void givenAFullFdb_thenNewAddressesAreCountedNotLearned_butStillForwarded() {
        for (int i = 1; i <= 70; i++) {
            in(2, frame(MacAddress.ETHER_BROADCAST_ADDRESS, host(i), UNTAGGED, 50));
        }
        assertEquals(64, sw.fdbSize());
        assertEquals(6, sw.fdbFull());
        assertEquals(70, out.get(3).size());
    }

    @Test
    void givenAReceiverThatChangesTheView_thenTheNextPortStillGetsTheWholeFrame() {
        sw.port(0).setEgress((view, frame, length) -> view.position(length)); // a careless bridge
        ByteBuffer[] seen = new ByteBuffer[1];
        sw.port(1).setEgress((view, frame, length) -> seen[0] = view.duplicate());
        in(2, frame(MacAddress.ETHER_BROADCAST_ADDRESS, host(2), UNTAGGED, 50));
        assertEquals(0, seen[0].position());
        assertEquals(68, seen[0].limit());
        assertTrue(seen[0].isReadOnly());
    }
}

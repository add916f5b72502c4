package org.vnicteam.fabric.sim.ethernet.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vnicteam.fabric.sim.ethernet.EthernetSegment;
import org.vnicteam.fabric.sim.ethernet.PortMode;
import org.vnicteam.fabric.sim.ethernet.SegmentStatus.PeerKind;

class SegmentSpecTest {

    static final long S = 1_000_000_000L;

    static SegmentSpec parse(List<String> ports, List<String> hosts) {
        return SegmentSpec.parse("seg", ports, hosts, 300 * S, 4096, 1514);
    }

    @Test
    void givenTheDefault_thenItParsesToFig5() {
        SegmentSpec s = parse(EthernetSegment.DEFAULT_PORTS, EthernetSegment.DEFAULT_HOSTS);
        assertEquals(6, s.ports().size());
        SegmentSpec.PortSpec p1 = s.ports().get(0);
        assertEquals(PortMode.TRUNK, p1.mode());
        assertEquals(List.of(1, 2), p1.vids());
        assertEquals(PeerKind.BRIDGE, p1.peerKind());
        assertEquals("bridgeA-eth", p1.peer());
        assertEquals("02:00:00:00:ee:01", Macs.format(p1.mac()));
        assertEquals("02:00:00:00:ee:02", Macs.format(s.ports().get(1).mac()));
        SegmentSpec.PortSpec p5 = s.ports().get(4);
        assertEquals(PortMode.ACCESS, p5.mode());
        assertEquals(List.of(2), p5.vids());
        assertEquals("client3", p5.peer());
        assertEquals("198.18.2.13/24", s.hosts().get(2).address());
        for (SegmentSpec.HostSpec h : s.hosts()) {
            byte[] a = h.ip().getAddress();
            assertTrue((a[0] & 0xFF) == 198 && (a[1] & 0xFE) == 18, "in 198.18.0.0/15: " + h.address());
        }
    }

    @Test
    void givenRangesAndOptions_thenTheyAreRead() {
        SegmentSpec s = parse(List.of("t1 trunk=10-12,5 bridge=br mac=02:11:22:33:44:55 up=false", "a1 access=5 host=h"),
                List.of("h ip=198.18.5.2/24 mac=02:00:00:00:05:02"));
        assertEquals(List.of(5, 10, 11, 12), s.ports().get(0).vids());
        assertEquals(false, s.ports().get(0).up());
        assertEquals("02:11:22:33:44:55", Macs.format(s.ports().get(0).mac()));
        assertEquals("02:00:00:00:05:02", Macs.format(s.hosts().get(0).mac()));
    }

    static Stream<Arguments> mistakes() {
        List<String> ok = new ArrayList<>(EthernetSegment.DEFAULT_PORTS);
        return Stream.of(
                // ports list, hosts list, expected fragment of the message
                Arguments.of(List.of("p1 trunk=1,2 bridge=bridgeA-eth", "p2 acess=1 host=client1"), List.of("client1 ip=198.18.1.11/24"),
                        "ports line 2 'p2 acess=1 host=client1': unknown key 'acess'"),
                Arguments.of(List.of("p1 trunk=1,2"), List.of(), "ports line 1 'p1 trunk=1,2': expected"),
                Arguments.of(List.of("p1 access=1 trunk=2 bridge=b"), List.of(), "ports line 1 'p1 access=1 trunk=2 bridge=b': give exactly one of access"),
                Arguments.of(List.of("p1 access=4095 bridge=b"), List.of(), "ports line 1 'p1 access=4095 bridge=b': VID must be 1..4094"),
                Arguments.of(List.of("p1 trunk=3-1 bridge=b"), List.of(), "runs backwards"),
                Arguments.of(List.of("p1 access=x bridge=b"), List.of(), "VID 'x' is not a number"),
                Arguments.of(List.of("p1 access=1 host=nobody"), List.of(), "ports line 1 'p1 access=1 host=nobody': no host 'nobody'"),
                Arguments.of(List.of("p1 access=1 bridge=b", "p1 access=1 bridge=c"), List.of(), "ports line 2 'p1 access=1 bridge=c': name 'p1' is used twice"),
                Arguments.of(List.of("p1 access=1 bridge=b", "p2 access=1 bridge=b"), List.of(), "ports line 2 'p2 access=1 bridge=b': name 'b' is used twice"),
                Arguments.of(List.of("p1 access=1 host=h", "p2 access=1 host=h"), List.of("h ip=198.18.1.2/24"), "ports line 2 'p2 access=1 host=h': host 'h' is already cabled"),
                Arguments.of(List.of("p1 access=1 bridge=b mac=01:00:00:00:00:01"), List.of(), "is a group address"),
                Arguments.of(List.of("p1 access=1 bridge=b mac=zz"), List.of(), "'zz' is not a MAC address"),
                Arguments.of(List.of("p1 access=1 bridge=b up=maybe"), List.of(), "'maybe' is not true or false"),
                Arguments.of(List.of("p1 access=1 host=h"), List.of("h ip=198.18.1.2/24 vlan=1"), "tags its frames (vlan=1) but the port is an access port"),
                Arguments.of(List.of("p1 trunk=1,2 host=h"), List.of("h ip=198.18.1.2/24"), "host 'h' on a trunk needs vlan=VID, one of [1, 2]"),
                Arguments.of(List.of("p1 access=1 bridge=b"), List.of("h ip=198.18.1.2/24"), "hosts line 1 'h ip=198.18.1.2/24': host 'h' is not cabled"),
                Arguments.of(List.of(), List.of("h ip=198.18.1.300/24"), "hosts line 1 'h ip=198.18.1.300/24': '198.18.1.300' is not an IPv4 address"),
                Arguments.of(List.of(), List.of("h ip=198.18.1.3"), "hosts line 1 'h ip=198.18.1.3': ip '198.18.1.3' is not A.B.C.D/LEN"),
                Arguments.of(List.of(), List.of("h mac=auto"), "hosts line 1 'h mac=auto': ip=A.B.C.D/LEN is missing"),
                Arguments.of(List.of(), List.of("h ip=198.18.1.3/31"), "prefix length must be 1..30"),
                Arguments.of(List.of("a access=1 host=h", "b access=1 host=g"), List.of("h ip=198.18.1.3/24", "g ip=198.18.1.3/24"),
                        "hosts line 2 'g ip=198.18.1.3/24': address 198.18.1.3 is also h's"),
                Arguments.of(List.of("a access=1 host=h", "b access=1 host=g"),
                        List.of("h ip=198.18.1.3/24 mac=02:00:00:00:00:01", "g ip=198.18.1.4/24 mac=02:00:00:00:00:01"),
                        "hosts line 2 'g ip=198.18.1.4/24 mac=02:00:00:00:00:01': MAC 02:00:00:00:00:01 is also h's"),
                Arguments.of(List.of("9p access=1 bridge=b"), List.of(), "name '9p' must start with a letter"),
                Arguments.of(ok, List.of("client1 ip=198.18.1.11/24"), "no host 'client2'"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("mistakes")
    void givenAMistake_thenTheMessageNamesTheLineAndTheReason(List<String> ports, List<String> hosts, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(ports, hosts));
        assertTrue(e.getMessage().contains(expected), "message: " + e.getMessage() + "\nexpected: " + expected);
    }

    @Test
    void givenBadSegmentSettings_thenTheyAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> SegmentSpec.parse("seg", List.of(), List.of(), 0, 4096, 1514));
        assertThrows(IllegalArgumentException.class, () -> SegmentSpec.parse("seg", List.of(), List.of(), S, 8, 1514));
        assertThrows(IllegalArgumentException.class, () -> SegmentSpec.parse("seg", List.of(), List.of(), S, 4096, 1000));
        assertThrows(IllegalArgumentException.class, () -> SegmentSpec.parse("a b", List.of(), List.of(), S, 4096, 1514));
    }
}

package org.vnicteam.fabric.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopologySpecTest {

    @Test
    void givenALinkLineWithEveryKey_whenParsed_thenEveryValueIsKept() {
        TopologySpec.LinkSpec l = TopologySpec
                .parseLink("sw1:1 sw2:1 name=isl1 mtu=2048 latency=3us loss=0.01 ber=1e-7 up=false");
        assertEquals("isl1", l.name());
        assertEquals(2048, l.mtu());
        assertEquals(3000, l.latencyNanos());
        assertEquals(0.01, l.lossRate());
        assertEquals(1e-7, l.bitErrorRate());
        assertEquals(false, l.up());
        assertEquals("sw1-sw2", TopologySpec.parseLink("sw1:1 sw2:1").name().replace(":1", ""));
    }

    @Test
    void givenTheDefault_thenItHasThreeAdaptersTwoSwitchesAndTwoInterSwitchLinks() {
        TopologySpec d = TopologySpec.defaultTwoSwitch();
        assertEquals(3, d.nodes().stream().filter(n -> n.kind() == TopologySpec.Kind.CA).count());
        assertEquals(2, d.links().stream().filter(l -> l.name().startsWith("isl")).count());
    }

    @Test
    void givenPartitions_thenMembershipBitsFollowFullAndLimited() {
        TopologySpec.PartitionSpec p = TopologySpec.parsePartition("0x8001=server,~monitor");
        assertEquals(0x8001, p.pkeyFor("server"));
        assertEquals(0x0001, p.pkeyFor("monitor"));
        assertEquals(-1, p.pkeyFor("other"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "x ca;expected 'NAME ca|switch PORTS'",
            "x router 2;kind must be 'ca' or 'switch'",
            "x ca 3;a ca has 1..2 ports",
            "1x ca 1;name must start with a letter" })
    void givenABadNodeLine_thenTheErrorNamesTheLineAndTheProblem(String line, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TopologySpec.parseNode(line));
        assertTrue(e.getMessage().contains(line) && e.getMessage().contains(problem), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "a:1;expected 'NODE:PORT NODE:PORT",
            "a:1 b;endpoint 'b' is not NODE:PORT",
            "a:1 b:1 mtu=1500;mtu must be 256, 512, 1024, 2048 or 4096",
            "a:1 b:1 latency=5;needs a unit",
            "a:1 b:1 loss=1.5;probabilities are 0 <= p < 1",
            "a:1 b:1 speed=10;unknown key 'speed'",
            "a:1 b:1 mtu;is not key=value" })
    void givenABadLinkLine_thenTheErrorNamesTheLineAndTheProblem(String line, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TopologySpec.parseLink(line));
        assertTrue(e.getMessage().contains(line) && e.getMessage().contains(problem), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "a:1 c:1;unknown node 'c'",
            "a:2 b:1;a has ports 1..1, not 2",
            "a:1 a:1;already cabled" })
    void givenLinksThatDoNotFitTheNodes_thenTheTopologyIsRefused(String link, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TopologySpec.parse(new String[] { "a ca 1", "b ca 1" }, new String[] { link }, null));
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void givenABadPartition_thenItIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> TopologySpec.parsePartition("0x8000=*"));
        assertThrows(IllegalArgumentException.class, () -> TopologySpec.parsePartition("zz=*"));
        assertThrows(IllegalArgumentException.class, () -> TopologySpec.parsePartition("*"));
    }
}

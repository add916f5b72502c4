package org.vnicteam.fabric.sim.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vnicteam.fabric.sim.internal.RcTransportTest.waitFor;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vnicteam.api.verbs.QpInitAttributes;
import org.vnicteam.api.verbs.WcStatus;
import org.vnicteam.api.verbs.WorkCompletion;

class UdAndPartitionTest {

    private static final int QKEY = 0x80010000;
    private SimFabric fabric;

    @AfterEach
    void close() {
        if (fabric != null) {
            fabric.close();
        }
    }

    private Endpoint ud(String adapter, int qkey) throws Exception {
        Endpoint e = new Endpoint(fabric, adapter, (s, r) -> QpInitAttributes.ud(1, s, r, 64, qkey), 32, true);
        e.qp.ready();
        return e;
    }

    @Test
    void givenUdQps_whenADatagramIsSent_thenItArrivesWithTheSendersLidAndQp() throws Exception {
        fabric = new SimFabric("t", TopologySpec.defaultTwoSwitch(), 1);
        try (Endpoint a = ud("server", QKEY); Endpoint b = ud("bridgeB", QKEY)) {
            byte[] m = "HELLO-IB-UD-PAYLOAD!".getBytes();
            a.qp.postSend(1, ByteBuffer.wrap(m), 0, m.length, b.lid(), b.qp.number(), QKEY);
            assertArrayEquals(m, b.take(Duration.ofSeconds(5)));
            WorkCompletion wc = b.receiveCompletions.get(0);
            assertEquals(a.lid(), wc.sourceLid);
            assertEquals(a.qp.number(), wc.sourceQp);
            waitFor(() -> a.successfulSends() == 1);
        }
    }

    @Test
    void givenARegisteredService_thenOtherPortsFindItUntilItsHcaCloses() throws Exception {
        fabric = new SimFabric("t", TopologySpec.defaultTwoSwitch(), 1);
        try (Endpoint server = ud("server", QKEY)) {
            Endpoint bridge = ud("bridgeA", QKEY);
            bridge.hca.subnet(1).registerService("vnicteam.bridge", bridge.qp.number(), QKEY);
            var records = server.hca.subnet(1).services("vnicteam.bridge");
            assertEquals(1, records.size());
            assertEquals("bridgeA", records.get(0).adapterName());
            assertEquals(bridge.lid(), records.get(0).lid());
            assertEquals(bridge.qp.number(), records.get(0).qpn());
            bridge.close();
            assertTrue(server.hca.subnet(1).services("vnicteam.bridge").isEmpty(), "unplugged: record gone");
        }
    }

    @Test
    void givenAWrongQkey_whenADatagramArrives_thenItIsDroppedAndCounted() throws Exception {
        fabric = new SimFabric("t", TopologySpec.defaultTwoSwitch(), 1);
        try (Endpoint a = ud("server", QKEY); Endpoint b = ud("bridgeB", QKEY)) {
            a.qp.postSend(1, ByteBuffer.wrap(new byte[8]), 0, 8, b.lid(), b.qp.number(), 0x1234);
            waitFor(() -> b.qp.counters().qkeyViolations() == 1);
            assertNull(b.take(Duration.ofMillis(50)));
            byte[] ok = "right key".getBytes();
            a.qp.postSend(2, ByteBuffer.wrap(ok), 0, ok.length, b.lid(), b.qp.number(), QKEY);
            assertArrayEquals(ok, b.take(Duration.ofSeconds(5)), "good traffic after the bad datagram");
        }
    }

    @Test
    void givenADatagramLargerThanThePathMtu_whenPosted_thenLocalLengthError() throws Exception {
        fabric = new SimFabric("t", TopologySpec.parse(new String[] { "a ca 1", "b ca 1", "sw switch 2" },
                new String[] { "a:1 sw:1 mtu=1024", "sw:2 b:1 mtu=4096" }, null), 1);
        try (Endpoint a = ud("a", QKEY); Endpoint b = ud("b", QKEY)) {
            a.qp.postSend(1, ByteBuffer.wrap(new byte[1025]), 0, 1025, b.lid(), b.qp.number(), QKEY);
            WorkCompletion wc = a.errors.poll(5, TimeUnit.SECONDS);
            assertNotNull(wc);
            assertEquals(WcStatus.LOCAL_LENGTH_ERROR, wc.status);
            a.qp.postSend(2, ByteBuffer.wrap(new byte[1024]), 0, 1024, b.lid(), b.qp.number(), QKEY);
            assertEquals(1024, b.take(Duration.ofSeconds(5)).length);
        }
    }

    @Test
    void givenAPartitionTheSenderDoesNotHold_whenItSends_thenTheSwitchDropsAndCountsIt() throws Exception {
        fabric = new SimFabric("t", TopologySpec.parse(new String[] { "a ca 1", "b ca 1", "sw switch 2" },
                new String[] { "a:1 sw:1", "sw:2 b:1" }, new String[] { "0xFFFF=*", "0x8001=b" }), 1);
        try (Endpoint b = new Endpoint(fabric, "b", (s, r) -> QpInitAttributes.ud(1, s, r, 8, QKEY).withPkey(0x8001),
                8, true);
                Endpoint a = new Endpoint(fabric, "a",
                        (s, r) -> QpInitAttributes.ud(1, s, r, 8, QKEY).withPkey(0x8001), 8, true)) {
            a.qp.ready();
            b.qp.ready();
            a.qp.postSend(1, ByteBuffer.wrap(new byte[8]), 0, 8, b.lid(), b.qp.number(), QKEY);
            waitFor(() -> fabric.status().node("sw").counters().droppedPkey() == 1);
            assertNull(b.take(Duration.ofMillis(50)));
        }
    }

    @Test
    void givenAPartitionTheReceiverDoesNotHold_whenAMemberSends_thenTheReceivingHcaDropsAndCountsIt()
            throws Exception {
        fabric = new SimFabric("t", TopologySpec.parse(new String[] { "a ca 1", "b ca 1", "c ca 1", "sw switch 3" },
                new String[] { "a:1 sw:1", "sw:2 b:1", "sw:3 c:1" },
                new String[] { "0xFFFF=*", "0x8001=a,c" }), 1);
        try (Endpoint a = new Endpoint(fabric, "a", (s, r) -> QpInitAttributes.ud(1, s, r, 8, QKEY).withPkey(0x8001),
                8, true); Endpoint b = ud("b", QKEY); Endpoint c = new Endpoint(fabric, "c",
                        (s, r) -> QpInitAttributes.ud(1, s, r, 8, QKEY).withPkey(0x8001), 8, true)) {
            a.qp.ready();
            c.qp.ready();
            // b's switch port does not enforce egress, so b's HCA must refuse the partition
            a.qp.postSend(1, ByteBuffer.wrap(new byte[8]), 0, 8, b.lid(), b.qp.number(), QKEY);
            waitFor(() -> fabric.status().node("b").counters().droppedPkey() == 1);
            assertNull(b.take(Duration.ofMillis(50)));
            a.qp.postSend(2, ByteBuffer.wrap(new byte[8]), 0, 8, c.lid(), c.qp.number(), QKEY);
            assertNotNull(c.take(Duration.ofSeconds(5)), "members of the partition talk");
        }
    }

    @Test
    void givenLimitedMembersOnly_whenTheyTalk_thenTheyAreDropped() throws Exception {
        fabric = new SimFabric("t", TopologySpec.parse(new String[] { "a ca 1", "b ca 1", "sw switch 2" },
                new String[] { "a:1 sw:1", "sw:2 b:1" }, new String[] { "0x0002=~a,~b" }), 1);
        try (Endpoint a = new Endpoint(fabric, "a", (s, r) -> QpInitAttributes.ud(1, s, r, 8, QKEY).withPkey(0x0002),
                8, true); Endpoint b = new Endpoint(fabric, "b",
                        (s, r) -> QpInitAttributes.ud(1, s, r, 8, QKEY).withPkey(0x0002), 8, true)) {
            a.qp.ready();
            b.qp.ready();
            a.qp.postSend(1, ByteBuffer.wrap(new byte[8]), 0, 8, b.lid(), b.qp.number(), QKEY);
            // the switch port facing a enforces the partition: limited does not match limited
            waitFor(() -> fabric.status().node("sw").counters().droppedPkey() == 1);
            assertTrue(b.received.isEmpty());
        }
    }
}

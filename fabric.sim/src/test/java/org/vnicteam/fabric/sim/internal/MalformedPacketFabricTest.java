package org.vnicteam.fabric.sim.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vnicteam.fabric.sim.internal.RcTransportTest.waitFor;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.ToLongFunction;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vnicteam.api.fabric.FabricStatus;
import org.vnicteam.api.ib.IbPacket;
import org.vnicteam.api.ib.IbPacketView;
import org.vnicteam.api.ib.Opcode;
import org.vnicteam.api.verbs.QpInitAttributes;

/**
 * A faulty device puts bad bytes on the wire between good datagrams: each bad packet is dropped
 * and counted under its cause by the first node that can tell, and the good traffic around it
 * arrives untouched.
 */
class MalformedPacketFabricTest {

    private static final int QKEY = 0x11;
    private SimFabric fabric;
    private Endpoint a;
    private Endpoint b;

    @BeforeEach
    void setUp() throws Exception {
        fabric = new SimFabric("t", TopologySpec.parse(new String[] { "a ca 1", "b ca 1", "sw switch 2" },
                new String[] { "a:1 sw:1", "sw:2 b:1" }, null), 1);
        a = new Endpoint(fabric, "a", (s, r) -> QpInitAttributes.ud(1, s, r, 64, QKEY), 64, true);
        b = new Endpoint(fabric, "b", (s, r) -> QpInitAttributes.ud(1, s, r, 64, QKEY), 64, true);
        a.qp.ready();
        b.qp.ready();
    }

    @AfterEach
    void tearDown() {
        a.close();
        b.close();
        fabric.close();
    }

    private IbPacket.Builder good() {
        return IbPacket.builder().dlid(b.lid()).slid(a.lid()).opcode(Opcode.UD_SEND_ONLY).pkey(0xFFFF)
                .destQp(b.qp.number()).psn(1).deth(QKEY, a.qp.number()).payload("injected".getBytes());
    }

    /** Injects a bad packet, then proves a good datagram still flows, then checks the counter. */
    private void injectAndExpect(byte[] bad, String node, ToLongFunction<FabricStatus.NodeCounters> counter)
            throws Exception {
        long before = counter.applyAsLong(fabric.status().node(node).counters());
        fabric.inject("a", 1, bad);
        byte[] m = ("good after " + Arrays.hashCode(bad)).getBytes();
        a.qp.postSend(1, ByteBuffer.wrap(m), 0, m.length, b.lid(), b.qp.number(), QKEY);
        assertArrayEquals(m, b.take(Duration.ofSeconds(5)), "good traffic around the bad packet");
        try {
            waitFor(() -> counter.applyAsLong(fabric.status().node(node).counters()) == before + 1);
        } catch (AssertionError e) {
            throw new AssertionError(fabric.status().nodes().toString(), e);
        }
    }

    private static byte[] resealed(byte[] p) {
        IbPacketView.sealCrcs(ByteBuffer.wrap(p), 0, p.length, null, true);
        return p;
    }

    @Test
    void givenAWellFormedInjectedPacket_thenItIsDelivered() throws Exception {
        fabric.inject("a", 1, good().toBytes());
        assertArrayEquals("injected".getBytes(), b.take(Duration.ofSeconds(5)));
    }

    @Test
    void givenMalformedPackets_whenInjected_thenEachIsDroppedAndCountedAndGoodTrafficFlows() throws Exception {
        byte[] ok = good().toBytes();

        injectAndExpect(Arrays.copyOf(ok, 10), "sw", FabricStatus.NodeCounters::droppedMalformed); // truncated

        byte[] flipped = ok.clone();
        flipped[30] ^= 0x01; // payload bit flip after sealing: the link CRC catches it first
        injectAndExpect(flipped, "sw", FabricStatus.NodeCounters::droppedBadVcrc);

        byte[] badIcrc = ok.clone();
        badIcrc[30] ^= 0x01;
        IbPacketView.resealVcrc(ByteBuffer.wrap(badIcrc), 0, badIcrc.length); // VCRC right, ICRC wrong
        injectAndExpect(badIcrc, "b", FabricStatus.NodeCounters::droppedBadIcrc);

        byte[] badLength = ok.clone();
        badLength[5] += 1; // LRH PktLen one word too long
        injectAndExpect(resealed(badLength), "b", FabricStatus.NodeCounters::droppedMalformed);

        byte[] lver = ok.clone();
        lver[0] |= 0x01; // LVer 1
        injectAndExpect(resealed(lver), "b", FabricStatus.NodeCounters::droppedMalformed);

        byte[] opcode = ok.clone();
        opcode[8] = 0x1F; // unknown opcode
        injectAndExpect(resealed(opcode), "b", FabricStatus.NodeCounters::droppedMalformed);

        byte[] tver = ok.clone();
        tver[9] |= 0x01; // BTH TVer 1
        injectAndExpect(resealed(tver), "b", FabricStatus.NodeCounters::droppedMalformed);

        byte[] reserved = ok.clone();
        reserved[16] |= 0x01; // BTH AckReq byte reserved bit
        injectAndExpect(resealed(reserved), "b", FabricStatus.NodeCounters::droppedMalformed);

        byte[] dethReserved = ok.clone();
        dethReserved[24] = 0x7F; // DETH reserved byte
        injectAndExpect(resealed(dethReserved), "b", FabricStatus.NodeCounters::droppedMalformed);

        byte[] raw = ok.clone();
        raw[1] &= (byte) 0xFC; // LNH 0: raw packet
        injectAndExpect(resealed(raw), "b", FabricStatus.NodeCounters::droppedMalformed);
    }

    @Test
    void givenAnUnknownDlidOrQp_whenInjected_thenSwitchOrHcaDropsAndCounts() throws Exception {
        injectAndExpect(good().dlid(0x0123).toBytes(), "sw", FabricStatus.NodeCounters::droppedUnknownDlid);
        injectAndExpect(good().destQp(0x777).toBytes(), "b", FabricStatus.NodeCounters::droppedNoQp);
    }

    @Test
    void givenThousandsOfRandomBytePackets_thenNothingCrashesAndGoodTrafficStillFlows() throws Exception {
        java.util.Random r = new java.util.Random(99);
        for (int i = 0; i < 5000; i++) {
            byte[] junk = new byte[1 + r.nextInt(300)];
            r.nextBytes(junk);
            if (r.nextBoolean() && junk.length >= 8) { // make some of it look routable
                junk[2] = 0;
                junk[3] = (byte) b.lid();
            }
            fabric.inject("a", 1, junk);
        }
        byte[] m = "still alive".getBytes();
        a.qp.postSend(1, ByteBuffer.wrap(m), 0, m.length, b.lid(), b.qp.number(), QKEY);
        assertArrayEquals(m, b.take(Duration.ofSeconds(5)));
        FabricStatus s = fabric.status();
        long dropped = s.nodes().stream().mapToLong(n -> n.counters().droppedMalformed()
                + n.counters().droppedBadVcrc() + n.counters().droppedBadIcrc() + n.counters().droppedUnknownDlid()
                + n.counters().droppedNoQp() + n.counters().droppedPkey()).sum();
        assertEquals(5000, dropped, "every junk packet counted once");
    }
}

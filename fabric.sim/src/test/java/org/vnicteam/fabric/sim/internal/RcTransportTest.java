package org.vnicteam.fabric.sim.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vnicteam.api.verbs.AsyncEvent;
import org.vnicteam.api.verbs.PortState;
import org.vnicteam.api.verbs.QpCounters;
import org.vnicteam.api.verbs.QpState;
import org.vnicteam.api.verbs.WcStatus;
import org.vnicteam.api.verbs.WorkCompletion;

class RcTransportTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private SimFabric fabric;

    @AfterEach
    void close() {
        if (fabric != null) {
            fabric.close();
        }
    }

    private static byte[] message(Random r, int seq, int size) {
        byte[] b = new byte[size];
        r.nextBytes(b);
        ByteBuffer.wrap(b).putInt(0, seq);
        return b;
    }

    @Test
    void givenPathMtu2048_whenSending9000ByteMessages_thenEachIsSegmentedIntoFivePacketsAndReassembled()
            throws Exception {
        fabric = new SimFabric("t", TopologySpec.parse(new String[] { "a ca 1", "b ca 1", "sw switch 4" },
                new String[] { "a:1 sw:1 mtu=2048", "sw:2 b:1 mtu=2048" }, null), 7);
        try (Endpoint a = Endpoint.rc(fabric, "a"); Endpoint b = Endpoint.rc(fabric, "b")) {
            Endpoint.connect(a, b, 5_000_000, 7);
            Random r = new Random(1);
            byte[][] sent = new byte[20][];
            for (int i = 0; i < sent.length; i++) {
                sent[i] = message(r, i, 9000);
                a.send(i, sent[i]);
            }
            List<byte[]> got = b.take(sent.length, WAIT);
            assertEquals(sent.length, got.size());
            for (int i = 0; i < sent.length; i++) {
                assertArrayEquals(sent[i], got.get(i), "message " + i);
            }
            waitFor(() -> a.successfulSends() == sent.length);
            QpCounters c = a.qp.counters();
            assertEquals(20 * 5, c.packetsSent(), "9000 B over a 2048 MTU is 5 packets");
            assertEquals(0, c.retransmittedPackets());
        }
    }

    @Test
    void givenLossAndBitErrorsOnBothInterSwitchLinks_whenStreaming_thenEveryMessageArrivesIntactOnceAndInOrder()
            throws Exception {
        fabric = new SimFabric("t", TopologySpec.defaultTwoSwitch(), 42);
        fabric.setLinkImpairment("isl1", 0.01, 1e-6);
        fabric.setLinkImpairment("bridgeA-sw2", 0.01, 1e-6);
        try (Endpoint a = Endpoint.rc(fabric, "server"); Endpoint b = Endpoint.rc(fabric, "bridgeA")) {
            Endpoint.connect(a, b, 2_000_000, 7);
            Random r = new Random(2);
            int n = 2000;
            byte[][] sent = new byte[n][];
            for (int i = 0; i < n; i++) {
                sent[i] = message(r, i, 64 + r.nextInt(9000));
                while (true) {
                    try {
                        a.send(i, sent[i]);
                        break;
                    } catch (org.vnicteam.api.verbs.VerbsException full) {
                        Thread.sleep(1); // send queue full: wait for ACKs
                    }
                }
            }
            List<byte[]> got = b.take(n, Duration.ofSeconds(60));
            assertEquals(n, got.size(), "all messages arrive");
            for (int i = 0; i < n; i++) {
                assertArrayEquals(sent[i], got.get(i), "message " + i + " intact and in order");
            }
            assertEquals(null, b.take(Duration.ofMillis(100)), "no duplicates delivered");
            assertTrue(a.errors.isEmpty() && b.errors.isEmpty(), "no error completions: " + a.errors + b.errors);
            QpCounters c = a.qp.counters();
            assertTrue(c.retransmittedPackets() > 0, "loss forced retransmissions: " + c);
            var status = fabric.status();
            long badCrc = status.nodes().stream()
                    .mapToLong(x -> x.counters().droppedBadVcrc() + x.counters().droppedBadIcrc()).sum();
            assertTrue(badCrc > 0, "bit errors were caught by the CRCs");
            assertTrue(status.link("isl1").corrupted() > 0 && status.link("isl1").lost() > 0);
        }
    }

    @Test
    void givenNoOtherPath_whenTheBridgeLinkIsCut_thenPortDownOnBothEndsAndTheQpFailsAfterItsRetries()
            throws Exception {
        fabric = new SimFabric("t", TopologySpec.defaultTwoSwitch(), 3);
        try (Endpoint a = Endpoint.rc(fabric, "server"); Endpoint b = Endpoint.rc(fabric, "bridgeA")) {
            long timeout = 2_000_000;
            int retries = 3;
            Endpoint.connect(a, b, timeout, retries);
            a.send(1, new byte[100]);
            assertNotNull(b.take(WAIT));

            long cut = System.nanoTime();
            fabric.setLinkUp("bridgeA-sw2", false);
            a.send(2, new byte[100]);
            // the bridge's own HCA sees its port go down, the server hears the trap
            waitFor(() -> b.events.stream().anyMatch(e -> e.type() == AsyncEvent.Type.PORT_DOWN));
            waitFor(() -> a.traps.stream().anyMatch(t -> t.nodeName().equals("bridgeA") && t.state() == PortState.DOWN));
            waitFor(() -> a.traps.stream().anyMatch(t -> t.nodeName().equals("sw2") && t.port() == 3
                    && t.state() == PortState.DOWN));
            long trapNanos = System.nanoTime() - cut;
            assertTrue(trapNanos < 100_000_000L, "traps within 100 ms, took " + trapNanos / 1000 + " us");

            WorkCompletion failed = a.errors.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            long failNanos = System.nanoTime() - cut;
            assertNotNull(failed);
            assertEquals(WcStatus.RETRY_EXCEEDED, failed.status);
            assertEquals(2, failed.wrId);
            assertEquals(QpState.ERROR, a.qp.state());
            waitFor(() -> a.events.stream().anyMatch(e -> e.type() == AsyncEvent.Type.QP_ERROR));
            // (retries + 1) timeouts must pass first; allow generous slack for a loaded machine
            assertTrue(failNanos >= (retries + 1) * timeout, "failed too early: " + failNanos / 1000 + " us");
            assertTrue(failNanos < (retries + 1) * timeout + 2_000_000_000L, "failed late: " + failNanos / 1000 + " us");
            assertEquals(retries, a.qp.counters().retransmittedPackets());
        }
    }

    @Test
    void givenTwoInterSwitchLinks_whenOneIsCutMidStream_thenTheSubnetManagerReroutesAndNothingIsLost()
            throws Exception {
        fabric = new SimFabric("t", TopologySpec.defaultTwoSwitch(), 4);
        try (Endpoint a = Endpoint.rc(fabric, "server"); Endpoint b = Endpoint.rc(fabric, "bridgeB")) {
            Endpoint.connect(a, b, 1_000_000, 7);
            Random r = new Random(3);
            int n = 400;
            byte[][] sent = new byte[n][];
            for (int i = 0; i < n; i++) {
                sent[i] = message(r, i, 1500);
                if (i == n / 2) {
                    assertTrue(fabric.status().link("isl1").packets() > 0, "isl1 carried the traffic first");
                    fabric.setLinkUp("isl1", false);
                }
                a.send(i, sent[i]);
                Thread.sleep(0, 200_000);
            }
            List<byte[]> got = b.take(n, WAIT);
            assertEquals(n, got.size());
            for (int i = 0; i < n; i++) {
                assertArrayEquals(sent[i], got.get(i));
            }
            assertTrue(a.errors.isEmpty(), "no errors: " + a.errors);
            assertTrue(fabric.status().link("isl2").packets() > 0, "traffic moved to isl2");
            assertEquals(QpState.READY_TO_SEND, a.qp.state());
        }
    }

    @Test
    void givenBothInterSwitchLinksCut_thenTrapsReportBothEndsDownAndQpsOnBothSidesFail() throws Exception {
        fabric = new SimFabric("t", TopologySpec.defaultTwoSwitch(), 5);
        try (Endpoint a = Endpoint.rc(fabric, "server"); Endpoint b = Endpoint.rc(fabric, "bridgeA")) {
            Endpoint.connect(a, b, 1_000_000, 2);
            fabric.setLinkUp("isl1", false);
            fabric.setLinkUp("isl2", false);
            waitFor(() -> a.traps.stream().filter(t -> t.state() == PortState.DOWN).count() == 4);
            assertTrue(fabric.status().nodes().stream().filter(x -> x.name().startsWith("sw"))
                    .allMatch(sw -> sw.ports().get(0).state().equals("DOWN") && sw.ports().get(1).state().equals("DOWN")));
            a.send(1, new byte[10]);
            b.send(1, new byte[10]);
            assertEquals(WcStatus.RETRY_EXCEEDED, a.errors.poll(5, TimeUnit.SECONDS).status);
            assertEquals(WcStatus.RETRY_EXCEEDED, b.errors.poll(5, TimeUnit.SECONDS).status);
        }
    }

    @Test
    void givenNoReceivePosted_whenAMessageArrives_thenRnrBackOffUntilAReceiveIsPosted() throws Exception {
        fabric = new SimFabric("t", TopologySpec.defaultTwoSwitch(), 6);
        try (Endpoint a = Endpoint.rc(fabric, "server");
                Endpoint b = new Endpoint(fabric, "bridgeA",
                        (s, r) -> org.vnicteam.api.verbs.QpInitAttributes.rc(1, s, r, 16), 0, false)) {
            Endpoint.connect(a, b, 1_000_000, 7);
            byte[] m = "late receiver".getBytes();
            a.send(9, m);
            waitFor(() -> b.qp.counters().rnrNaksSent() > 0);
            ByteBuffer buf = ByteBuffer.allocate(64);
            b.qp.postReceive(0, buf, 0, 64);
            waitFor(() -> b.receiveCompletions.size() == 1);
            assertEquals(WcStatus.SUCCESS, b.receiveCompletions.get(0).status);
            assertEquals("late receiver", new String(buf.array(), 0, b.receiveCompletions.get(0).byteLength));
            waitFor(() -> a.successfulSends() == 1);
        }
    }

    @Test
    void givenASmallReceiveBuffer_whenALongerMessageArrives_thenLocalLengthErrorAndRemoteInvalidRequest()
            throws Exception {
        fabric = new SimFabric("t", TopologySpec.defaultTwoSwitch(), 8);
        try (Endpoint a = Endpoint.rc(fabric, "server"); Endpoint b = Endpoint.rc(fabric, "bridgeA")) {
            Endpoint.connect(a, b, 1_000_000, 7);
            a.send(1, new byte[Endpoint.BUFFER + 1]);
            WorkCompletion local = b.errors.poll(5, TimeUnit.SECONDS);
            assertEquals(WcStatus.LOCAL_LENGTH_ERROR, local.status);
            WorkCompletion remote = a.errors.poll(5, TimeUnit.SECONDS);
            assertEquals(WcStatus.REMOTE_INVALID_REQUEST, remote.status);
        }
    }

    @Test
    void givenAnImmediate_whenSent_thenTheReceiverCompletionCarriesIt() throws Exception {
        fabric = new SimFabric("t", TopologySpec.defaultTwoSwitch(), 9);
        try (Endpoint a = Endpoint.rc(fabric, "server"); Endpoint b = Endpoint.rc(fabric, "bridgeA")) {
            Endpoint.connect(a, b, 1_000_000, 7);
            a.qp.postSend(1, ByteBuffer.wrap(new byte[5000]), 0, 5000, true, 0xCAFEBABE);
            assertNotNull(b.take(WAIT));
            WorkCompletion wc = b.receiveCompletions.get(0);
            assertTrue(wc.hasImmediate);
            assertEquals(0xCAFEBABE, wc.immediate);
            assertEquals(5000, wc.byteLength);
            assertEquals(a.lid(), wc.sourceLid);
        }
    }

    @Test
    void givenAnHcaIsClosed_whenThePeerKeepsSending_thenThePeerGetsATrapAndItsQpFails() throws Exception {
        fabric = new SimFabric("t", TopologySpec.defaultTwoSwitch(), 10);
        Endpoint a = Endpoint.rc(fabric, "server");
        Endpoint b = Endpoint.rc(fabric, "bridgeA");
        Endpoint.connect(a, b, 1_000_000, 2);
        b.close(); // an unplug
        waitFor(() -> a.traps.stream().anyMatch(t -> t.nodeName().equals("bridgeA") && t.state() == PortState.DOWN));
        a.send(1, new byte[10]);
        assertEquals(WcStatus.RETRY_EXCEEDED, a.errors.poll(5, TimeUnit.SECONDS).status);
        assertTrue(fabric.open("bridgeA") != null, "the adapter can be opened (plugged) again");
        a.close();
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + WAIT);
            }
            Thread.sleep(1);
        }
    }
}

package org.vnicteam.fabric.sim.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vnicteam.fabric.sim.internal.RcTransportTest.waitFor;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.vnicteam.api.fabric.FabricControl;
import org.vnicteam.api.ib.IbPacket;
import org.vnicteam.api.verbs.QpInitAttributes;
import org.vnicteam.api.verbs.QueuePair;

/**
 * Captures RC traffic segmented by a 2048-byte path MTU and UD datagrams at the sender's port,
 * and lets Wireshark judge the file: every packet dissects as InfiniBand without malformed or
 * expert errors, and the opcodes and PSNs are exactly what was sent. The CRCs in the file are
 * checked here with the project's codec (Wireshark shows but does not verify them).
 */
class CaptureTsharkTest {

    @Test
    void givenRcAndUdTraffic_whenCaptured_thenTsharkDissectsEveryPacketAsInfinibandInTheOrderSent()
            throws Exception {
        Path pcap = Path.of("target", "captures", "rc-segmented-and-ud.pcap");
        Files.deleteIfExists(pcap);
        int messages = 3;
        try (SimFabric fabric = new SimFabric("cap", TopologySpec.parse(new String[] { "a ca 1", "b ca 1", "sw switch 2" },
                new String[] { "a:1 sw:1 mtu=2048", "sw:2 b:1 mtu=2048" }, null), 1);
                Endpoint a = Endpoint.rc(fabric, "a");
                Endpoint b = Endpoint.rc(fabric, "b")) {
            Endpoint.connect(a, b, 50_000_000, 7); // a's first PSN is 100
            QueuePair udA = a.hca.createQueuePair(QpInitAttributes.ud(1, a.sendCq, a.recvCq, 8, 0x80010000));
            QueuePair udB = b.hca.createQueuePair(QpInitAttributes.ud(1, b.sendCq, b.recvCq, 8, 0x80010000));
            udA.ready();
            udB.ready();
            udB.postReceive(1000, ByteBuffer.allocate(64), 0, 64);
            udB.postReceive(1001, ByteBuffer.allocate(64), 0, 64);

            FabricControl.Capture capture = fabric.capture("a", 1, pcap);
            Random r = new Random(5);
            for (int i = 0; i < messages; i++) {
                byte[] m = new byte[9000];
                r.nextBytes(m);
                a.send(i, m);
                assertArrayEquals(m, b.take(Duration.ofSeconds(5)));
            }
            waitFor(() -> a.successfulSends() == messages);
            byte[] hello = "HELLO-IB-UD-PAYLOAD!".getBytes();
            for (int i = 0; i < 2; i++) {
                udA.postSend(10 + i, ByteBuffer.wrap(hello), 0, hello.length, b.lid(), udB.number(), 0x80010000);
            }
            waitFor(() -> b.receiveCompletions.size() == messages + 2);
            capture.close();
            assertTrue(capture.packets() >= messages * 5 + 2, "captured " + capture.packets());
            int aLid = a.lid();

            List<String[]> all = Tshark.fields(pcap, null, "frame.protocols", "infiniband.lrh.slid",
                    "infiniband.bth.opcode", "infiniband.bth.psn");
            assertEquals(capture.packets(), all.size(), "tshark reads every record");
            for (String[] row : all) {
                assertTrue(row[0].contains("infiniband"), "dissected as InfiniBand: " + String.join("|", row));
            }
            assertTrue(Tshark.fields(pcap, "_ws.malformed || _ws.expert.severity >= warning", "frame.number")
                    .isEmpty(), "no malformed packets or expert warnings");

            List<String> sent = new ArrayList<>();
            for (String[] row : all) {
                if (Integer.decode(row[1]) == aLid) {
                    sent.add(Integer.decode(row[2]) + "/" + Integer.decode(row[3]));
                }
            }
            List<String> expected = new ArrayList<>();
            int psn = 100;
            for (int i = 0; i < messages; i++) {
                expected.add("0/" + psn++); // SEND_FIRST
                for (int k = 0; k < 3; k++) {
                    expected.add("1/" + psn++); // SEND_MIDDLE
                }
                expected.add("2/" + psn++); // SEND_LAST: 9000 = 4 x 2048 + 808
            }
            expected.add("100/0"); // UD SEND_ONLY (0x64)
            expected.add("100/1");
            assertEquals(expected, sent);

            List<String[]> acks = Tshark.fields(pcap, "infiniband.bth.opcode == 0x11", "infiniband.bth.psn",
                    "infiniband.aeth.syndrome");
            assertTrue(!acks.isEmpty(), "the responder's ACKs are in the capture");
            assertEquals(psn - 1, Integer.decode(acks.get(acks.size() - 1)[0]), "the last ACK covers the last PSN");

            // Wireshark does not verify ICRC/VCRC: verify every captured packet with the codec.
            for (byte[] packet : PcapReader.packets(pcap)) {
                IbPacket.parse(ByteBuffer.wrap(packet), 0, packet.length); // throws on a bad CRC
            }
        }
    }
}

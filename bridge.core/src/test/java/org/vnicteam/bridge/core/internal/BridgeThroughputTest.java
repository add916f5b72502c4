package org.vnicteam.bridge.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vnicteam.api.bridge.DataChannel;
import org.vnicteam.api.eoib.DataMessage;
import org.vnicteam.api.eoib.MessageHeader;
import org.vnicteam.api.verbs.VerbsException;
import org.vnicteam.fabric.sim.SimulatedFabric;

/**
 * Frames per second through the embedded stack, 64-byte frames: host QP → simulated fabric (two
 * switches) → bridge → Ethernet port, and Ethernet port → bridge → fabric → host QP. Prints the
 * figures (docs/BENCHMARKS.md, "Bridge") as a benchmark command; as a test it asserts only that
 * every frame is delivered or counted, never a speed: a shared 2-core machine varies a lot.
 */
class BridgeThroughputTest {

    static final int SESSION = 0x7E57;
    static final long RUN_NANOS = 1_000_000_000L;

    SimulatedFabric fabric;
    LoopbackEthernetPort port;
    Bridge bridge;
    HostPeer host;
    DataChannel channel;

    @BeforeEach
    void setUp() throws Exception {
        fabric = SimulatedFabric.createDefault("throughput");
        port = new LoopbackEthernetPort("bridgeA-eth", 1518);
        port.recording = false;
        bridge = new Bridge(new BridgeSettings("bridgeA", "bridgeA", port.name(), 1500, -1, 64, 1, 1024, 1024),
                fabric.open("bridgeA"), port);
        bridge.start();
        host = new HostPeer(fabric, "server");
        host.keep = false;
        channel = bridge.openDataChannel(host.peer(SESSION, 1518));
        host.connectTo(bridge.hca().queryPort(1).lid(), channel);
        channel.configureAddresses(Frames.macBytes(TestFrames.TEAM_MAC), List.of(1));
    }

    @AfterEach
    void tearDown() {
        bridge.close();
        host.close();
        fabric.close();
    }

    @Test
    void hostToEthernet64ByteFrames() throws Exception {
        // A ring of prepared messages larger than the send queue: a slot is never rewritten while
        // the HCA may still read it (at most 4096 sends are outstanding).
        int slots = 8192;
        int frameLength = 64;
        int messageLength = MessageHeader.SIZE + frameLength;
        ByteBuffer ring = ByteBuffer.allocate(slots * messageLength);
        byte[] frame = TestFrames.frame(TestFrames.CLIENT_MAC, TestFrames.TEAM_MAC, 1, frameLength, 1);
        for (int i = 0; i < slots; i++) {
            ring.put(i * messageLength + MessageHeader.SIZE, frame);
        }
        long warmupEnd = System.nanoTime() + RUN_NANOS / 2;
        int seq = 0;
        seq = pump(ring, slots, messageLength, frameLength, seq, warmupEnd);
        long startFrames = port.txFrames();
        long start = System.nanoTime();
        seq = pump(ring, slots, messageLength, frameLength, seq, start + RUN_NANOS);
        long sent = seq;
        BridgeDataPathTest.await("every frame on the wire", () -> port.txFrames() == sent);
        long elapsed = System.nanoTime() - start;
        long frames = port.txFrames() - startFrames;
        double rate = frames * 1e9 / elapsed;
        System.out.printf("bridge host->Ethernet, 64 B frames: %.0f frames/s (%d frames in %.2f s)%n", rate, frames,
                elapsed / 1e9);
        assertEquals(sent, channel.status().counters().txFrames(), "no frame lost");
        assertEquals(0, channel.status().counters().dropped());
    }

    private int pump(ByteBuffer ring, int slots, int messageLength, int frameLength, int seq, long until)
            throws InterruptedException {
        while (System.nanoTime() < until) {
            int slot = seq % slots;
            int off = slot * messageLength;
            DataMessage.writeHeader(ring, off, SESSION, seq + 1, frameLength);
            try {
                host.qp.postSend(0, ring, off, messageLength, false);
                seq++;
            } catch (VerbsException full) {
                Thread.yield(); // send queue full: let the fabric catch up (2 cores here)
            }
        }
        return seq;
    }

    /**
     * Frames offered as fast as the bridge takes them: when one is dropped for want of a send slot
     * the source yields, as a port would that cannot push faster than the bridge drains (on two
     * cores a source spinning flat out would starve the fabric's thread instead of measuring it).
     */
    @Test
    void ethernetToHost64ByteFrames() throws Exception {
        byte[] frame = TestFrames.frame(TestFrames.TEAM_MAC, TestFrames.CLIENT_MAC, 1, 64, 1);
        ByteBuffer b = ByteBuffer.wrap(frame);
        var receiver = port.receiver();
        FrameCounters counters = ((HostDataChannel) channel).counters;
        long warmupEnd = System.nanoTime() + RUN_NANOS / 2;
        while (System.nanoTime() < warmupEnd) {
            offer(receiver, b, frame.length, counters);
        }
        BridgeDataPathTest.await("warm-up delivered", () -> host.receivedCount
                == channel.status().counters().rxFrames());
        long before = host.receivedCount;
        long beforeDrops = channel.status().counters().droppedNoBuffer();
        long offered = 0;
        long start = System.nanoTime();
        long end = start + RUN_NANOS;
        while (System.nanoTime() < end) {
            offer(receiver, b, frame.length, counters);
            offered++;
        }
        long rxFrames = channel.status().counters().rxFrames();
        BridgeDataPathTest.await("every accepted frame at the host", () -> host.receivedCount
                == channel.status().counters().rxFrames());
        long elapsed = System.nanoTime() - start;
        long delivered = host.receivedCount - before;
        long drops = channel.status().counters().droppedNoBuffer() - beforeDrops;
        System.out.printf("bridge Ethernet->host, 64 B frames: %.0f frames/s delivered, %d offered, %d dropped "
                + "(no send slot; the source then yields) in %.2f s%n", delivered * 1e9 / elapsed, offered, drops,
                elapsed / 1e9);
        assertEquals(offered, delivered + drops, "every frame delivered or counted");
        assertTrue(rxFrames > 0);
    }

    private static void offer(org.vnicteam.api.ethernet.FrameReceiver receiver, ByteBuffer frame, int length,
            FrameCounters counters) {
        long dropsBefore = counters.get(FrameCounters.DROPPED_NO_BUFFER);
        receiver.frameReceived(frame, 0, length);
        if (counters.get(FrameCounters.DROPPED_NO_BUFFER) != dropsBefore) {
            Thread.yield();
        }
    }
}

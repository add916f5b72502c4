package org.vnicteam.bridge.hostcmd.it;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

import org.vnicteam.api.verbs.VerbsException;
import org.vnicteam.bridge.hostcmd.peer.VnicPeer;
import org.vnicteam.fabric.sim.ethernet.EventLoop;
import org.vnicteam.fabric.sim.ethernet.SimIpHost;

/**
 * The server's IP side for the tests: one simulated IP host per VLAN (the "upper protocols" of
 * the design, here VLAN 1 = 198.18.1.1 and VLAN 2 = 198.18.2.1), all with the team MAC, tagging
 * their frames themselves, sending through whichever VNIC peer is active, and receiving from any
 * peer by the frame's VLAN tag.
 */
final class ServerSide implements AutoCloseable {

    static final byte[] TEAM_MAC = { 0x02, 0x00, 0x00, 0x7E, 0x00, 0x01 };

    final EventLoop.Threaded loop = EventLoop.start("server-ip");
    final SimIpHost vlan1;
    final SimIpHost vlan2;
    final AtomicLong sendFailures = new AtomicLong();
    final AtomicLong unknownVlan = new AtomicLong();
    private volatile VnicPeer active;

    ServerSide() {
        vlan1 = new SimIpHost("server-v1", TEAM_MAC, "198.18.1.1/24", 1, this::transmit, loop);
        vlan2 = new SimIpHost("server-v2", TEAM_MAC, "198.18.2.1/24", 2, this::transmit, loop);
    }

    /** Frames go out through {@code peer}, and what it receives comes up to the hosts. */
    void activate(VnicPeer peer) {
        active = peer;
        attach(peer);
    }

    /** What {@code peer} receives comes up to the hosts (a backup delivers too). */
    void attach(VnicPeer peer) {
        peer.setFrameSink(this::receive);
    }

    private void transmit(ByteBuffer frame, int offset, int length) {
        VnicPeer p = active;
        if (p == null) {
            sendFailures.incrementAndGet();
            return;
        }
        byte[] copy = new byte[length];
        frame.get(offset, copy);
        try {
            p.sendFrame(copy);
        } catch (VerbsException e) {
            sendFailures.incrementAndGet();
        }
    }

    private void receive(ByteBuffer frame) {
        int length = frame.remaining();
        int vlan = length >= 18 && (frame.getShort(12) & 0xFFFF) == 0x8100 ? frame.getShort(14) & 0x0FFF : 0;
        SimIpHost host = vlan == 1 ? vlan1 : vlan == 2 ? vlan2 : null;
        if (host == null) {
            unknownVlan.incrementAndGet();
            return;
        }
        host.receive(frame, 0, length);
    }

    String describe() {
        return "send failures " + sendFailures + ", unknown VLAN " + unknownVlan + ", " + vlan1.counters() + ", "
            + vlan2.counters();
    }

    @Override
    public void close() {
        vlan1.close();
        vlan2.close();
        loop.close();
    }
}

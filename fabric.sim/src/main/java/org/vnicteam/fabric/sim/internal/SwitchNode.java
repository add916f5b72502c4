package org.vnicteam.fabric.sim.internal;

import java.util.Arrays;

/**
 * A switch: forwards by DLID through the linear forwarding table the subnet manager programs.
 * It drops and counts packets whose link CRC is bad, whose P_Key the ingress port does not
 * hold (partition enforcement on CA-facing ports), or whose DLID has no route.
 */
final class SwitchNode extends Node {

    static final int LFT_SIZE = 0xC000; // unicast LIDs
    /** Linear forwarding table: DLID → egress port, 0 = no route (255 in IBA terms). */
    final byte[] lft = new byte[LFT_SIZE];
    int lid;

    SwitchNode(String name, long guid, int ports) {
        super(name, guid, ports);
    }

    @Override
    boolean powered() {
        return true;
    }

    void clearRoutes() {
        Arrays.fill(lft, (byte) 0);
    }

    @Override
    void receive(Port in, PacketBuffer p, Engine engine) {
        if (p.length < Wire.MIN_PACKET) { // a runt: not even a link CRC to check
            counters.droppedMalformed++;
            engine.pool.release(p);
            return;
        }
        if (p.vcrcValid && !Wire.checkVcrc(p)) {
            counters.droppedBadVcrc++;
            engine.pool.release(p);
            return;
        }
        if (in.pkeys != null && !in.holdsPkey(Wire.pkeyForSwitch(p))) {
            counters.droppedPkey++;
            engine.pool.release(p);
            return;
        }
        int dlid = Wire.dlid(p);
        int out = dlid < LFT_SIZE ? lft[dlid] & 0xFF : 0;
        if (out == 0 || out == in.number) {
            counters.droppedUnknownDlid++;
            engine.pool.release(p);
            return;
        }
        counters.forwarded++;
        ports[out].send(p, engine);
    }
}

package org.vnicteam.fabric.sim.internal;

/**
 * A channel adapter node. It is powered while a consumer holds its HCA open; its ports carry
 * traffic only then. Received packets are checked the way an HCA checks them (structure, ICRC,
 * VCRC, DLID, P_Key) and handed to the destination queue pair.
 */
final class CaNode extends Node {

    final Engine engine;
    SimHca hca;

    CaNode(Engine engine, String name, long guid, int ports) {
        super(name, guid, ports);
        this.engine = engine;
    }

    @Override
    boolean powered() {
        return hca != null;
    }

    @Override
    void receive(Port in, PacketBuffer p, Engine e) {
        SimHca h = hca;
        int error = Wire.check(p, e.crc);
        if (h == null || error != 0) {
            if (error == Wire.ERR_ICRC) {
                counters.droppedBadIcrc++;
            } else if (error == Wire.ERR_VCRC) {
                counters.droppedBadVcrc++;
            } else if (error != 0) {
                counters.droppedMalformed++;
            }
            e.pool.release(p);
            return;
        }
        if (Wire.dlid(p) != in.lid) {
            counters.droppedUnknownDlid++;
            e.pool.release(p);
            return;
        }
        int pkey = Wire.pkey(p);
        if (!in.holdsPkey(pkey)) {
            counters.droppedPkey++;
            e.pool.release(p);
            return;
        }
        SimQp qp = h.qp(Wire.destQp(p));
        if (qp == null || qp.port != in) {
            counters.droppedNoQp++;
            e.pool.release(p);
            return;
        }
        if ((qp.pkey & 0x7FFF) != (pkey & 0x7FFF)) {
            counters.droppedPkey++;
            e.pool.release(p);
            return;
        }
        counters.forwarded++;
        qp.receive(p);
    }
}

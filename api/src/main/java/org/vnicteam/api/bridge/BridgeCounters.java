package org.vnicteam.api.bridge;

/**
 * A snapshot of a bridge's (or one channel's) frame counters. "tx" is toward Ethernet (frames the
 * host sent), "rx" toward the host (frames from Ethernet), as in STATS_REPORT.
 *
 * @param txFrames frames from the host put on the Ethernet wire
 * @param txBytes their bytes (frame without FCS)
 * @param rxFrames frames from Ethernet handed to the host's data queue pair
 * @param rxBytes their bytes
 * @param droppedOversize frames longer than the Ethernet MTU allows (either way)
 * @param droppedNoCarrier frames from the host the port refused because it had no carrier
 * @param droppedFiltered frames from Ethernet not for any programmed team MAC/VLAN, or looped back
 *        from the team MAC
 * @param droppedMalformed DATA messages that failed the protocol checks
 * @param droppedNoBuffer frames dropped for want of room on the way: no free send slot toward the
 *        host, or the Ethernet port's queue refused a frame from the host
 * @param carrierChanges carrier transitions of the Ethernet port
 */
public record BridgeCounters(long txFrames, long txBytes, long rxFrames, long rxBytes, long droppedOversize,
        long droppedNoCarrier, long droppedFiltered, long droppedMalformed, long droppedNoBuffer,
        long carrierChanges) {

    public static final BridgeCounters ZERO = new BridgeCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Field-by-field sum (for totals over channels). */
    public BridgeCounters plus(BridgeCounters o) {
        return new BridgeCounters(txFrames + o.txFrames, txBytes + o.txBytes, rxFrames + o.rxFrames,
                rxBytes + o.rxBytes, droppedOversize + o.droppedOversize, droppedNoCarrier + o.droppedNoCarrier,
                droppedFiltered + o.droppedFiltered, droppedMalformed + o.droppedMalformed,
                droppedNoBuffer + o.droppedNoBuffer, carrierChanges + o.carrierChanges);
    }

    /** Every drop, whatever the cause. */
    public long dropped() {
        return droppedOversize + droppedNoCarrier + droppedFiltered + droppedMalformed + droppedNoBuffer;
    }
}

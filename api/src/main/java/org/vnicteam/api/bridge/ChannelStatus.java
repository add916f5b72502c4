package org.vnicteam.api.bridge;

import java.util.List;
import java.util.Map;

import org.vnicteam.api.eoib.ProtocolException;

/**
 * A snapshot of one data channel.
 *
 * @param peer where the channel is connected
 * @param queuePairNumber the channel's own RC queue pair
 * @param open whether it still carries frames
 * @param teamMac the programmed team MAC ("aa:bb:cc:dd:ee:ff"), "" before CONFIG_ADDRESSES
 * @param vlans the programmed VLANs, ascending (0 = untagged)
 * @param lastSequenceOnWire sequence number of the last host frame put on the wire
 * @param lastSequenceToHost sequence number of the last frame sent to the host
 * @param counters the channel's counters (carrierChanges is 0: that is a device count)
 * @param rejects DATA messages rejected by the protocol checks, by cause
 */
public record ChannelStatus(DataChannel.Peer peer, int queuePairNumber, boolean open, String teamMac,
        List<Integer> vlans, int lastSequenceOnWire, int lastSequenceToHost, BridgeCounters counters,
        Map<ProtocolException.Cause, Long> rejects) {

    public ChannelStatus {
        vlans = List.copyOf(vlans);
        rejects = Map.copyOf(rejects);
    }
}

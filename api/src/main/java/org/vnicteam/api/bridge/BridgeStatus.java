package org.vnicteam.api.bridge;

import java.util.List;

/**
 * A snapshot of a bridge device.
 *
 * @param name the bridge's name
 * @param adapterName its fabric channel adapter
 * @param ethernetPort the name of its Ethernet port
 * @param mac its own MAC ("aa:bb:cc:dd:ee:ff")
 * @param ethernetMtu Ethernet payload MTU
 * @param carrier whether the Ethernet port has carrier
 * @param fabricLid the LID of its fabric port (0 while the port is down)
 * @param counters totals over the device's life: every channel, open or closed, plus frames no
 *        channel took
 * @param channels the open channels
 * @param probes the path probes: counters and one watch per team and VLAN ({@link ProbeStatus#OFF}
 *        when the bridge does not probe)
 */
public record BridgeStatus(String name, String adapterName, String ethernetPort, String mac, int ethernetMtu,
        boolean carrier, int fabricLid, BridgeCounters counters, List<ChannelStatus> channels, ProbeStatus probes) {

    public BridgeStatus {
        channels = List.copyOf(channels);
        probes = probes == null ? ProbeStatus.OFF : probes;
    }

    /** A bridge that does not probe. */
    public BridgeStatus(String name, String adapterName, String ethernetPort, String mac, int ethernetMtu,
            boolean carrier, int fabricLid, BridgeCounters counters, List<ChannelStatus> channels) {
        this(name, adapterName, ethernetPort, mac, ethernetMtu, carrier, fabricLid, counters, channels,
                ProbeStatus.OFF);
    }
}

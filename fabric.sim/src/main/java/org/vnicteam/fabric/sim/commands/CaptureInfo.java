package org.vnicteam.fabric.sim.commands;

/**
 * A capture as the fabric commands report it.
 *
 * @param node node name
 * @param port 1-based port number
 * @param file the pcap file
 * @param packets packets written so far (all of them once stopped)
 * @param running whether it is still capturing
 */
public record CaptureInfo(String node, int port, String file, long packets, boolean running) {
}

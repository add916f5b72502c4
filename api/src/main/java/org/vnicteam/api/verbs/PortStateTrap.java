package org.vnicteam.api.verbs;

/**
 * A port state change the subnet manager reports to subscribers.
 *
 * @param nodeName the node (channel adapter or switch) whose port changed
 * @param port the port number
 * @param lid the LID the port had (or has now), 0 for switch ports
 * @param state the new state
 */
public record PortStateTrap(String nodeName, int port, int lid, PortState state) {
}

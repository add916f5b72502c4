package org.vnicteam.api.verbs;

/**
 * A service record (SA ServiceRecord, the parts used here): how to reach a service's datagram
 * queue pair on a port.
 *
 * @param name service name
 * @param adapterName the channel adapter offering it
 * @param lid the port's LID
 * @param qpn the UD queue pair answering for the service
 * @param qkey its Q_Key
 */
public record ServiceRecord(String name, String adapterName, int lid, int qpn, int qkey) {
}

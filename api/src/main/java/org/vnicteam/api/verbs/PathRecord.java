package org.vnicteam.api.verbs;

/**
 * A path record (SA PathRecord, the parts used here).
 *
 * @param sourceLid this port's LID
 * @param destinationLid the remote LID
 * @param mtu the smallest MTU of the links along the path, in bytes
 * @param hops number of links
 * @param pkey the partition of the path
 */
public record PathRecord(int sourceLid, int destinationLid, int mtu, int hops, int pkey) {
}

package org.vnicteam.api.host;

/**
 * A snapshot of one miniport.
 *
 * @param name miniport name
 * @param vlan VLAN id, 0 = untagged
 * @param upper name of the bound upper binding
 * @param mediaConnected media state last indicated up
 * @param ipAddress the IPv4 address used for gratuitous ARP (configured, or learned from the
 *        upper protocol's ARP), "" when unknown
 * @param txFrames frames from the upper binding sent down
 * @param txBytes their bytes (untagged)
 * @param rxFrames frames indicated up
 * @param rxBytes their bytes (untagged)
 * @param txDroppedDisconnected frames offered while the media was disconnected
 * @param txDroppedTagged frames from the upper binding that already carried a tag
 * @param txDroppedBadLength frames shorter than 14 bytes or too long
 * @param txDroppedTeam frames the team could not send (see the team counters)
 * @param txDroppedStage frames the packet stage dropped
 * @param rxDroppedStage frames the packet stage dropped on the way up
 * @param mediaChanges media state indications
 */
public record MiniportStatus(String name, int vlan, String upper, boolean mediaConnected, String ipAddress,
        long txFrames, long txBytes, long rxFrames, long rxBytes, long txDroppedDisconnected, long txDroppedTagged,
        long txDroppedBadLength, long txDroppedTeam, long txDroppedStage, long rxDroppedStage, long mediaChanges) {
}

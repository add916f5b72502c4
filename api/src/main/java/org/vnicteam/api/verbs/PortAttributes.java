package org.vnicteam.api.verbs;

/**
 * A port's attributes (ibv_port_attr, the parts a consumer uses).
 *
 * @param port 1-based port number
 * @param state link state as the subnet manager sees it
 * @param lid base LID assigned by the subnet manager, 0 when none
 * @param smLid LID of the subnet manager, 0 when none
 * @param activeMtu MTU of the attached link in bytes
 * @param pkeys the port's P_Key table (bit 15 = full member)
 */
public record PortAttributes(int port, PortState state, int lid, int smLid, int activeMtu, int[] pkeys) {

    public PortAttributes {
        pkeys = pkeys.clone();
    }

    @Override
    public int[] pkeys() {
        return pkeys.clone();
    }

    public boolean isActive() {
        return state == PortState.ACTIVE;
    }
}

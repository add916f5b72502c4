package org.vnicteam.fabric.sim.commands;

import org.vnicteam.fabric.sim.ethernet.TxStreamStatus;

/**
 * A UDP sequence stream a simulated client sends, as {@code ethernet:stream} and
 * {@code ethernet:stopstream} report it.
 *
 * @param client the sending client
 * @param stream the stream
 */
public record ClientStream(String client, TxStreamStatus stream) {

    /** The stream's id: {@code ethernet:stopstream CLIENT ID} takes it. */
    public int id() {
        return stream.streamId();
    }
}

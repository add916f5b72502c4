package org.vnicteam.testbed;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;

import org.vnicteam.lib.linux.NetNamespace;

/** UDP sockets opened inside a network namespace (they keep it, whichever thread uses them). */
final class Udp {

    private static final int BUFFER_BYTES = 4 << 20;

    private Udp() {
    }

    /** A socket in namespace {@code netns} (empty: the process's own), bound to {@code port} (0: any). */
    static DatagramChannel open(String netns, int port) throws IOException {
        return NetNamespace.named(netns).call(() -> {
            DatagramChannel ch = DatagramChannel.open();
            try {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, BUFFER_BYTES);
                ch.setOption(StandardSocketOptions.SO_SNDBUF, BUFFER_BYTES);
                ch.bind(new InetSocketAddress(port));
                return ch;
            } catch (IOException e) {
                ch.close();
                throw new IOException("UDP port " + port + " in " + NetNamespace.named(netns) + ": " + e.getMessage(), e);
            }
        });
    }

    /** "ADDRESS:PORT" → socket address (no name lookup). */
    static InetSocketAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("'" + text + "' is not ADDRESS:PORT");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': port is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + text + "': port not in 1..65535");
        }
        String host = text.substring(0, colon);
        if (!host.matches("[0-9.]+")) {
            throw new IllegalArgumentException("'" + text + "': give an IPv4 address, not a name");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (IOException e) {
            throw new IllegalArgumentException("'" + text + "': not an IPv4 address");
        }
    }
}

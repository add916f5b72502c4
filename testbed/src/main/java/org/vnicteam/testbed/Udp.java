package org.vnicteam.testbed;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

    /**
     * The namespace's count of UDP datagrams dropped because a receiving socket's buffer was full
     * ({@code Udp: RcvbufErrors}): loss of the measuring receiver, not of the network. Read from
     * /proc/thread-self/net on a thread inside the namespace (/proc/net shows the main thread's).
     */
    static long rcvbufErrors(String netns) throws IOException {
        return NetNamespace.named(netns).call(() -> {
            List<String> lines = Files.readAllLines(Path.of("/proc/thread-self/net/snmp"));
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).startsWith("Udp:") && lines.get(i + 1).startsWith("Udp:")) {
                    List<String> names = List.of(lines.get(i).split("\\s+"));
                    String[] values = lines.get(i + 1).split("\\s+");
                    int at = names.indexOf("RcvbufErrors");
                    if (at > 0 && at < values.length) {
                        return Long.parseLong(values[at]);
                    }
                }
            }
            throw new IOException("no Udp RcvbufErrors in /proc/thread-self/net/snmp of " + NetNamespace.named(netns));
        });
    }
}

package org.vnicteam.fabric.sim.commands;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.vnicteam.fabric.sim.ethernet.EthernetSegmentControl;
import org.vnicteam.fabric.sim.ethernet.HostStatus;
import org.vnicteam.fabric.sim.ethernet.PingResult;
import org.vnicteam.fabric.sim.ethernet.SegmentStatus;
import org.vnicteam.fabric.sim.ethernet.SegmentStatus.PortStatus;
import org.vnicteam.fabric.sim.ethernet.SimIpHost;
import org.vnicteam.fabric.sim.ethernet.TxStreamStatus;

/**
 * Gogo commands of scope {@code ethernet}: the simulated Ethernet segment of the embedded default
 * (switch ports, VLANs, links, counters, FDB), link cut/restore, and the simulated clients' ping and
 * UDP sequence streams, through {@link EthernetSegmentControl}. Results are fabric.sim's DTOs
 * ({@link SegmentStatus}, {@link PortStatus}, {@link PingResult}) and {@link ClientStream},
 * {@link StreamReport}; {@link EthernetConverter} renders them. Bad arguments fail with an
 * {@link IllegalArgumentException} that says what is allowed.
 *
 * <p>Holds no state: streams live in the simulated hosts.
 */
// The mandatory reference to Gogo's command processor keeps SCR from loading this class (and
// failing on the optional Gogo import) in a framework without a console.
@Component(reference = @org.osgi.service.component.annotations.Reference(name = "gogo",
        service = org.apache.felix.service.command.CommandProcessor.class), service = EthernetCommands.class, property = {
        "osgi.command.scope=ethernet",
        "osgi.command.function=status",
        "osgi.command.function=cut",
        "osgi.command.function=restore",
        "osgi.command.function=detach",
        "osgi.command.function=attach",
        "osgi.command.function=dropvlan",
        "osgi.command.function=restorevlan",
        "osgi.command.function=ping",
        "osgi.command.function=stream",
        "osgi.command.function=streams",
        "osgi.command.function=stopstream" })
public final class EthernetCommands {

    /** How long a ping waits for each reply. */
    static final Duration PING_TIMEOUT = Duration.ofSeconds(1);
    static final int MAX_PING_COUNT = 100;
    static final int DEFAULT_PING_COUNT = 3;
    static final int DEFAULT_STREAM_SIZE = 64;
    static final long MAX_STREAM_COUNT = 1_000_000_000L;
    static final double MAX_RATE = 10_000_000;
    private static final String PORT = "PORT: a switch port (p1) or what is cabled to it (bridgeA-eth, client1); "
            + "ethernet:status lists them";
    private static final String TRUNK = "PORT: a trunk port (p1) or the bridge port cabled to it (bridgeA-eth)";
    private static final String VID = "VID: one of the trunk's configured VLANs";

    private final EthernetSegmentControl segment;

    @Activate
    public EthernetCommands(@Reference EthernetSegmentControl segment) {
        this.segment = segment;
    }

    @Descriptor("show the Ethernet segment: switch ports (mode, VLANs, link, what is cabled to them, counters), "
            + "the simulated clients and the forwarding database")
    public SegmentStatus status() {
        return segment.status();
    }

    @Descriptor("cut a switch port's link (pull the cable): a bridge's port loses carrier at once and the "
            + "port's FDB entries are flushed")
    public PortStatus cut(@Descriptor(PORT) String port) {
        return change(port, name -> segment.setPortUp(name, false));
    }

    @Descriptor("restore a cut switch port's link: a bridge's port gets carrier back")
    public PortStatus restore(@Descriptor(PORT) String port) {
        return change(port, name -> segment.setPortUp(name, true));
    }

    @Descriptor("remove a switch port from the switch while its cable and the peer's carrier stay: nothing it "
            + "sends is switched and nothing reaches it (a failure carrier watching cannot see); its FDB entries "
            + "are flushed")
    public PortStatus detach(@Descriptor(PORT) String port) {
        return change(port, name -> segment.setPortAttached(name, false));
    }

    @Descriptor("put a removed switch port back into the switch")
    public PortStatus attach(@Descriptor(PORT) String port) {
        return change(port, name -> segment.setPortAttached(name, true));
    }

    @Descriptor("drop a VLAN from a trunk port while its link stays up: the trunk neither takes nor sends that "
            + "VLAN's frames; its FDB entries of that VLAN are flushed")
    public PortStatus dropvlan(@Descriptor(TRUNK) String port, @Descriptor(VID) String vid) {
        int v = (int) integer("VID", vid, 1, 4094);
        return change(port, name -> segment.setVlanCarried(name, v, false));
    }

    @Descriptor("restore a VLAN dropped from a trunk port")
    public PortStatus restorevlan(@Descriptor(TRUNK) String port, @Descriptor(VID) String vid) {
        int v = (int) integer("VID", vid, 1, 4094);
        return change(port, name -> segment.setVlanCarried(name, v, true));
    }

    /**
     * Applies a change to a switch port named as the operator likes, and shows the port after it.
     * One port's status before and after, never the whole segment's: the simulated clients live
     * on the segment's thread, and a whole snapshot there would stop their streams for milliseconds
     * right at the failure this command makes, to be measured as part of it.
     */
    private PortStatus change(String port, java.util.function.Consumer<String> change) {
        String name = checkPort(port);
        change.accept(name);
        return segment.port(name);
    }

    @Descriptor("ping an address from a simulated client (" + DEFAULT_PING_COUNT + " echo requests, 1 s timeout "
            + "each); fails when no reply came back")
    public PingResult ping(
            @Descriptor("CLIENT: a simulated client (client1..client4 by default)") String client,
            @Descriptor("IP: the address to ping, A.B.C.D") String ip) {
        return ping(client, ip, String.valueOf(DEFAULT_PING_COUNT));
    }

    @Descriptor("ping an address from a simulated client (1 s timeout per request); fails when no reply came back")
    public PingResult ping(
            @Descriptor("CLIENT: a simulated client (client1..client4 by default)") String client,
            @Descriptor("IP: the address to ping, A.B.C.D") String ip,
            @Descriptor("COUNT: echo requests, 1.." + MAX_PING_COUNT + ", one after the other") String count) {
        SimIpHost host = checkClient(client);
        String target = checkIp("IP", ip);
        int n = (int) integer("COUNT", count, 1, MAX_PING_COUNT);
        PingResult r = host.ping(target, n, PING_TIMEOUT);
        if (r.received() == 0) {
            throw new IllegalStateException("ping " + target + " from " + client + ": " + r.sent() + " sent, 0 received; "
                    + whyNoReply(host, target));
        }
        return r;
    }

    @Descriptor("start a UDP sequence stream from a simulated client (its id is printed); a stream to port 7 is "
            + "echoed back and measured by the client; ethernet:streams shows received, lost, duplicates, reordered")
    public ClientStream stream(
            @Descriptor("CLIENT: the sending client") String client,
            @Descriptor("DST_IP: destination address, A.B.C.D") String dstIp,
            @Descriptor("DST_PORT: destination UDP port, 1..65535") String dstPort,
            @Descriptor("RATE: datagrams per second, > 0 and <= 1e7") String rate,
            @Descriptor("COUNT: datagrams to send, 1.." + MAX_STREAM_COUNT) String count) {
        return stream(client, dstIp, dstPort, rate, count, String.valueOf(DEFAULT_STREAM_SIZE));
    }

    @Descriptor("start a UDP sequence stream from a simulated client (its id is printed); a stream to port 7 is "
            + "echoed back and measured by the client; ethernet:streams shows received, lost, duplicates, reordered")
    public ClientStream stream(
            @Descriptor("CLIENT: the sending client") String client,
            @Descriptor("DST_IP: destination address, A.B.C.D") String dstIp,
            @Descriptor("DST_PORT: destination UDP port, 1..65535") String dstPort,
            @Descriptor("RATE: datagrams per second, > 0 and <= 1e7") String rate,
            @Descriptor("COUNT: datagrams to send, 1.." + MAX_STREAM_COUNT) String count,
            @Descriptor("SIZE: UDP payload bytes, " + SimIpHost.STREAM_HEADER + ".." + SimIpHost.MAX_UDP_PAYLOAD
                    + " (default " + DEFAULT_STREAM_SIZE + ")") String size) {
        SimIpHost host = checkClient(client);
        String dst = checkIp("DST_IP", dstIp);
        int port = (int) integer("DST_PORT", dstPort, 1, 65535);
        double fps = rate(rate);
        long n = integer("COUNT", count, 1, MAX_STREAM_COUNT);
        int bytes = (int) integer("SIZE", size, SimIpHost.STREAM_HEADER, SimIpHost.MAX_UDP_PAYLOAD);
        int id = host.startStream(dst, port, fps, n, bytes);
        return new ClientStream(client, txStream(host, id));
    }

    @Descriptor("show the UDP sequence streams of every client: sent (rate, progress, state) and received "
            + "(received, lost, duplicates, reordered, longest gap between arrivals, latency)")
    public StreamReport streams() {
        return new StreamReport(segment.hostNames().stream().map(n -> streamsOf(segment.host(n))).toList());
    }

    @Descriptor("show the UDP sequence streams one client sends and receives")
    public StreamReport streams(@Descriptor("CLIENT: a simulated client") String client) {
        return new StreamReport(List.of(streamsOf(checkClient(client))));
    }

    @Descriptor("stop a stream a client sends (what it received so far stays in ethernet:streams)")
    public ClientStream stopstream(
            @Descriptor("CLIENT: the sending client") String client,
            @Descriptor("ID: the stream's id (printed by ethernet:stream; ethernet:streams CLIENT lists them)") String id) {
        SimIpHost host = checkClient(client);
        List<TxStreamStatus> sent = host.txStreams();
        long number;
        try {
            number = Long.parseLong(id.strip());
        } catch (NumberFormatException e) {
            number = -1;
        }
        long wanted = number;
        if (sent.stream().noneMatch(s -> s.streamId() == wanted)) {
            throw new IllegalArgumentException("ID '" + id + "': " + client + (sent.isEmpty() ? " sends no streams"
                    : " has streams " + sent.stream().map(s -> String.valueOf(s.streamId()))
                            .collect(Collectors.joining(", "))));
        }
        host.stopStream((int) wanted);
        return new ClientStream(client, txStream(host, (int) wanted));
    }

    private static StreamReport.Client streamsOf(SimIpHost host) {
        HostStatus s = host.status();
        return new StreamReport.Client(s.name(), s.ip(), s.txStreams(), s.rxStreams());
    }

    private static TxStreamStatus txStream(SimIpHost host, int id) {
        // the host's loop runs posted tasks in order: the snapshot sees the start (or the stop)
        return host.txStreams().stream().filter(s -> s.streamId() == id).findFirst()
                .orElseThrow(() -> new IllegalStateException("stream " + id + " of " + host.name() + " is gone"));
    }

    /** Why a ping got no reply: no route (another subnet), no ARP answer, or no echo reply. */
    private String whyNoReply(SimIpHost host, String target) {
        int t = toInt(SimIpHost.parseIp(target).getAddress());
        int own = toInt(host.ip().getAddress());
        int mask = (int) (0xFFFF_FFFFL << (32 - host.prefixLength()));
        SegmentStatus st = segment.status();
        String owner = st.hosts().stream().filter(h -> h.ip().equals(target)).map(h -> h.name() + vlanOf(st, h.name()))
                .findFirst().orElse(null);
        String subnet = dotted(own & mask) + "/" + host.prefixLength();
        if ((t & mask) != (own & mask)) {
            return target + (owner == null ? "" : " (" + owner + ")") + " is outside " + host.name() + "'s subnet "
                    + subnet + vlanOf(st, host.name()) + ": " + host.name() + " has no route to it";
        }
        if (host.arpLookup(SimIpHost.parseIp(target)) == null) {
            return "no ARP reply from " + target + (owner == null ? " (no simulated client has that address"
                    + "; the server's VLAN interfaces answer only when the host side is up)"
                    : " (" + owner + "): is a link on the way cut? (ethernet:status)");
        }
        return "no echo reply within " + PING_TIMEOUT.toMillis() + " ms";
    }

    /** ", VLAN 2" for a client on an access port, "" when unknown. */
    private static String vlanOf(SegmentStatus st, String client) {
        return st.ports().stream().filter(p -> p.peer().equals(client)).findFirst()
                .map(p -> " on VLAN " + p.vids().stream().map(String::valueOf).collect(Collectors.joining(",")))
                .orElse("");
    }

    private static String dotted(int a) {
        return (a >>> 24) + "." + (a >>> 16 & 0xFF) + "." + (a >>> 8 & 0xFF) + "." + (a & 0xFF);
    }

    private static int toInt(byte[] a) {
        return (a[0] & 0xFF) << 24 | (a[1] & 0xFF) << 16 | (a[2] & 0xFF) << 8 | (a[3] & 0xFF);
    }

    /** The switch port's name, or an exception naming the ports and what is cabled to them. */
    private String checkPort(String port) {
        try {
            return segment.port(port).name();
        } catch (IllegalArgumentException e) {
            List<PortStatus> ports = segment.status().ports();
            throw new IllegalArgumentException("unknown port '" + port + "'; ports: " + ports.stream()
                    .map(p -> p.name() + " (" + p.peer() + ")").collect(Collectors.joining(", ")), e);
        }
    }

    private SimIpHost checkClient(String client) {
        List<String> names = segment.hostNames();
        if (!names.contains(client)) {
            throw new IllegalArgumentException("unknown client '" + client + "'; clients: " + String.join(", ", names));
        }
        return segment.host(client);
    }

    private static String checkIp(String what, String ip) {
        try {
            return SimIpHost.parseIp(ip).getHostAddress();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " '" + ip + "' is not an IPv4 address A.B.C.D");
        }
    }

    private static long integer(String what, String value, long min, long max) {
        long v;
        try {
            v = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + value + "' is not a whole number; " + min + " <= " + what
                    + " <= " + max);
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(what + " " + value + " is out of range; " + min + " <= " + what + " <= "
                    + max);
        }
        return v;
    }

    private static double rate(String value) {
        double r;
        try {
            r = Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("RATE '" + value + "' is not a number; 0 < RATE <= 1e7 datagrams/s");
        }
        if (!(r > 0 && r <= MAX_RATE)) {
            throw new IllegalArgumentException("RATE " + value + " is out of range; 0 < RATE <= 1e7 datagrams/s");
        }
        return r;
    }
}

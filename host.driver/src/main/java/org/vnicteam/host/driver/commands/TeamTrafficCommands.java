package org.vnicteam.host.driver.commands;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.vnicteam.api.host.Miniport;
import org.vnicteam.api.host.MiniportStatus;
import org.vnicteam.api.host.Team;
import org.vnicteam.api.host.UpperBinding;
import org.vnicteam.fabric.sim.ethernet.PingResult;
import org.vnicteam.fabric.sim.ethernet.SimIpHost;
import org.vnicteam.fabric.sim.ethernet.TxStreamStatus;

/**
 * Gogo commands of scope {@code team} that make traffic from the server's side of the embedded
 * default: ping, UDP sequence streams and their statistics, from the simulated IP host above a
 * VLAN miniport (factory PID {@code org.vnicteam.upper.simhost}, registered as a {@link SimIpHost}
 * service with {@code upper.name}). The client side is {@code ethernet:ping}/{@code stream}.
 *
 * <p>Needs at least one simulated server host: without fabric.sim (whose package host.driver
 * imports optionally) or without such a configuration this component is never satisfied, its
 * class is never loaded, and the commands do not exist. Results: fabric.sim's {@link PingResult}
 * (rendered by fabric.sim's converter), {@link ServerStream}, {@link ServerStreams}
 * ({@link TeamTrafficConverter}).
 */
// The mandatory reference to Gogo's command processor keeps SCR from loading this class (and
// failing on the optional Gogo import) in a framework without a console.
@Component(reference = @org.osgi.service.component.annotations.Reference(name = "gogo",
        service = org.apache.felix.service.command.CommandProcessor.class), service = TeamTrafficCommands.class, property = {
        "osgi.command.scope=team",
        "osgi.command.function=ping",
        "osgi.command.function=stream",
        "osgi.command.function=streams",
        "osgi.command.function=stopstream" })
public final class TeamTrafficCommands {

    static final Duration PING_TIMEOUT = Duration.ofSeconds(1);
    static final int MAX_PING_COUNT = 100;
    static final int DEFAULT_PING_COUNT = 3;
    static final int DEFAULT_STREAM_SIZE = 64;
    static final long MAX_STREAM_COUNT = 1_000_000_000L;
    static final double MAX_RATE = 10_000_000;

    private final Team team;
    private final BundleContext context;
    /*
     * References only, dereferenced when a command runs: the simulated hosts are registered while
     * their miniports activate, so getting a miniport at bind time would be a circular activation.
     */
    private final Set<ServiceReference<SimIpHost>> hosts = ConcurrentHashMap.newKeySet();
    private final Set<ServiceReference<Miniport>> miniports = ConcurrentHashMap.newKeySet();

    @Activate
    public TeamTrafficCommands(@Reference Team team, BundleContext context) {
        this.team = team;
        this.context = context;
    }

    @Reference(name = "host", cardinality = ReferenceCardinality.AT_LEAST_ONE, policy = ReferencePolicy.DYNAMIC,
            target = "(" + UpperBinding.NAME + "=*)")
    void addHost(ServiceReference<SimIpHost> ref) {
        hosts.add(ref);
    }

    void removeHost(ServiceReference<SimIpHost> ref) {
        hosts.remove(ref);
    }

    @Reference(name = "miniport", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addMiniport(ServiceReference<Miniport> ref) {
        miniports.add(ref);
    }

    void removeMiniport(ServiceReference<Miniport> ref) {
        miniports.remove(ref);
    }

    @Descriptor("ping an address from the server on a VLAN (" + DEFAULT_PING_COUNT + " echo requests, 1 s timeout "
            + "each); fails when no reply came back")
    public PingResult ping(
            @Descriptor("VLAN: the server's VLAN (team:miniports lists them)") String vlan,
            @Descriptor("IP: the address to ping, A.B.C.D") String ip) {
        return ping(vlan, ip, String.valueOf(DEFAULT_PING_COUNT));
    }

    @Descriptor("ping an address from the server on a VLAN (1 s timeout per request); fails when no reply came back")
    public PingResult ping(
            @Descriptor("VLAN: the server's VLAN (team:miniports lists them)") String vlan,
            @Descriptor("IP: the address to ping, A.B.C.D") String ip,
            @Descriptor("COUNT: echo requests, 1.." + MAX_PING_COUNT + ", one after the other") String count) {
        Server s = server(vlan);
        String target = checkIp("IP", ip);
        int n = (int) integer("COUNT", count, 1, MAX_PING_COUNT);
        PingResult r = s.host.ping(target, n, PING_TIMEOUT);
        if (r.received() == 0) {
            throw new IllegalStateException("ping " + target + " from the server on VLAN " + s.vlan + ": " + r.sent()
                    + " sent, 0 received; " + whyNoReply(s, target));
        }
        return r;
    }

    @Descriptor("start a UDP sequence stream from the server on a VLAN (its id is printed); the receiver counts "
            + "lost, duplicate and reordered datagrams (ethernet:streams at a client)")
    public ServerStream stream(
            @Descriptor("VLAN: the server's VLAN (team:miniports lists them)") String vlan,
            @Descriptor("DST_IP: destination address, A.B.C.D") String dstIp,
            @Descriptor("DST_PORT: destination UDP port, 1..65535") String dstPort,
            @Descriptor("RATE: datagrams per second, > 0 and <= 1e7") String rate,
            @Descriptor("COUNT: datagrams to send, 1.." + MAX_STREAM_COUNT) String count) {
        return stream(vlan, dstIp, dstPort, rate, count, String.valueOf(DEFAULT_STREAM_SIZE));
    }

    @Descriptor("start a UDP sequence stream from the server on a VLAN (its id is printed); the receiver counts "
            + "lost, duplicate and reordered datagrams (ethernet:streams at a client)")
    public ServerStream stream(
            @Descriptor("VLAN: the server's VLAN (team:miniports lists them)") String vlan,
            @Descriptor("DST_IP: destination address, A.B.C.D") String dstIp,
            @Descriptor("DST_PORT: destination UDP port, 1..65535") String dstPort,
            @Descriptor("RATE: datagrams per second, > 0 and <= 1e7") String rate,
            @Descriptor("COUNT: datagrams to send, 1.." + MAX_STREAM_COUNT) String count,
            @Descriptor("SIZE: UDP payload bytes, " + SimIpHost.STREAM_HEADER + ".." + SimIpHost.MAX_UDP_PAYLOAD
                    + " (default " + DEFAULT_STREAM_SIZE + ")") String size) {
        Server s = server(vlan);
        String dst = checkIp("DST_IP", dstIp);
        int port = (int) integer("DST_PORT", dstPort, 1, 65535);
        double fps = rate(rate);
        long n = integer("COUNT", count, 1, MAX_STREAM_COUNT);
        int bytes = (int) integer("SIZE", size, SimIpHost.STREAM_HEADER, SimIpHost.MAX_UDP_PAYLOAD);
        int id = s.host.startStream(dst, port, fps, n, bytes);
        return new ServerStream(s.vlan, s.host.name(), txStream(s.host, id));
    }

    @Descriptor("show the server's UDP sequence streams on every VLAN: sent (rate, progress, state) and received "
            + "(received, lost, duplicates, reordered, longest gap between arrivals, latency)")
    public ServerStreams streams() {
        return new ServerStreams(servers().stream().map(TeamTrafficCommands::streamsOf).toList());
    }

    @Descriptor("show the server's UDP sequence streams on one VLAN")
    public ServerStreams streams(@Descriptor("VLAN: the server's VLAN (team:miniports lists them)") String vlan) {
        return new ServerStreams(List.of(streamsOf(server(vlan))));
    }

    @Descriptor("stop a stream the server sends (what arrived stays in ethernet:streams)")
    public ServerStream stopstream(
            @Descriptor("VLAN: the server's VLAN the stream is sent on") String vlan,
            @Descriptor("ID: the stream's id (printed by team:stream; team:streams lists them)") String id) {
        Server s = server(vlan);
        List<TxStreamStatus> sent = s.host.txStreams();
        long number;
        try {
            number = Long.parseLong(id.strip());
        } catch (NumberFormatException e) {
            number = -1;
        }
        long wanted = number;
        if (sent.stream().noneMatch(t -> t.streamId() == wanted)) {
            throw new IllegalArgumentException("ID '" + id + "': the server sends " + (sent.isEmpty()
                    ? "no streams on VLAN " + s.vlan
                    : "streams " + sent.stream().map(t -> String.valueOf(t.streamId()))
                            .collect(Collectors.joining(", ")) + " on VLAN " + s.vlan));
        }
        s.host.stopStream((int) wanted);
        return new ServerStream(s.vlan, s.host.name(), txStream(s.host, (int) wanted));
    }

    /** A VLAN of the server with its simulated IP host. */
    private record Server(int vlan, MiniportStatus miniport, SimIpHost host) {
    }

    private static ServerStreams.Vlan streamsOf(Server s) {
        var st = s.host.status();
        return new ServerStreams.Vlan(s.vlan, st.name(), st.ip(), st.txStreams(), st.rxStreams());
    }

    private List<Server> servers() {
        return miniportStatus().stream().map(m -> {
            SimIpHost h = hostAbove(m);
            return h == null ? null : new Server(m.vlan(), m, h);
        }).filter(java.util.Objects::nonNull).toList();
    }

    private List<MiniportStatus> miniportStatus() {
        List<MiniportStatus> all = new ArrayList<>();
        for (ServiceReference<Miniport> r : miniports) {
            MiniportStatus m = Services.use(context, r, Miniport::status);
            if (m != null) {
                all.add(m);
            }
        }
        all.sort(Comparator.comparingInt(MiniportStatus::vlan));
        return all;
    }

    /** The simulated host the miniport's upper binding target selects, or null. */
    private SimIpHost hostAbove(MiniportStatus m) {
        Filter f;
        try {
            f = FrameworkUtil.createFilter(m.upper());
        } catch (InvalidSyntaxException e) {
            f = null; // a plain name
        }
        for (ServiceReference<SimIpHost> r : hosts) {
            if (f != null ? f.match(r) : m.upper().equals(r.getProperty(UpperBinding.NAME))) {
                // registered as an object, not a factory: it stays valid after the unget
                return Services.use(context, r, h -> h);
            }
        }
        return null;
    }

    /** The server's host on that VLAN, or an exception naming the VLANs there are. */
    private Server server(String vlan) {
        List<MiniportStatus> all = miniportStatus();
        String vlans = all.isEmpty() ? "none" : all.stream().map(m -> m.vlan() + " (" + m.name() + ")")
                .collect(Collectors.joining(", "));
        int v;
        try {
            v = Integer.parseInt(vlan.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("VLAN '" + vlan + "' is not a VLAN id; the server's VLANs: " + vlans);
        }
        MiniportStatus m = all.stream().filter(x -> x.vlan() == v).findFirst().orElseThrow(
                () -> new IllegalArgumentException("the server has no miniport on VLAN " + vlan.strip()
                        + "; the server's VLANs: " + vlans));
        SimIpHost h = hostAbove(m);
        if (h == null) {
            throw new IllegalArgumentException("VLAN " + v + " (miniport " + m.name() + "): its upper binding "
                    + m.upper() + " is not a simulated IP host; simulated hosts: " + (hosts.isEmpty() ? "none"
                            : hosts.stream().map(r -> String.valueOf(r.getProperty(UpperBinding.NAME)))
                                    .sorted().collect(Collectors.joining(", "))));
        }
        return new Server(v, m, h);
    }

    private String whyNoReply(Server s, String target) {
        SimIpHost host = s.host;
        int t = toInt(SimIpHost.parseIp(target).getAddress());
        int own = toInt(host.ip().getAddress());
        int mask = (int) (0xFFFF_FFFFL << (32 - host.prefixLength()));
        if ((t & mask) != (own & mask)) {
            return target + " is outside the server's subnet " + dotted(own & mask) + "/" + host.prefixLength()
                    + " on VLAN " + s.vlan + ": no route to it";
        }
        if (!s.miniport.mediaConnected() || team.active() == null) {
            return "miniport " + s.miniport.name() + " is disconnected: the team has no active member (team:status)";
        }
        if (host.arpLookup(SimIpHost.parseIp(target)) == null) {
            return "no ARP reply from " + target + " through " + team.active()
                    + ": is a link on the way cut? (team:status, ethernet:status)";
        }
        return "no echo reply within " + PING_TIMEOUT.toMillis() + " ms";
    }

    private static TxStreamStatus txStream(SimIpHost host, int id) {
        // the host's loop runs posted tasks in order: the snapshot sees the start (or the stop)
        return host.txStreams().stream().filter(s -> s.streamId() == id).findFirst()
                .orElseThrow(() -> new IllegalStateException("stream " + id + " of " + host.name() + " is gone"));
    }

    private static String dotted(int a) {
        return (a >>> 24) + "." + (a >>> 16 & 0xFF) + "." + (a >>> 8 & 0xFF) + "." + (a & 0xFF);
    }

    private static int toInt(byte[] a) {
        return (a[0] & 0xFF) << 24 | (a[1] & 0xFF) << 16 | (a[2] & 0xFF) << 8 | (a[3] & 0xFF);
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

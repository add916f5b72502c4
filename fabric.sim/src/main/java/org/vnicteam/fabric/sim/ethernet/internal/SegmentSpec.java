package org.vnicteam.fabric.sim.ethernet.internal;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.vnicteam.fabric.sim.ethernet.PortMode;
import org.vnicteam.fabric.sim.ethernet.SegmentStatus.PeerKind;
import org.vnicteam.fabric.sim.ethernet.SimIpHost;

/**
 * A segment as configured, parsed from the plain strings Config Admin holds. Every mistake is
 * reported with the offending line.
 *
 * <pre>
 * port: "NAME access=VID|trunk=VIDS (bridge=PORTNAME [mac=MAC] | host=HOSTNAME) [up=true|false]"
 *       VIDS: "1,2" or "10-20,30"; e.g. "p1 trunk=1,2 bridge=bridgeA-eth", "p3 access=1 host=client1"
 * host: "NAME ip=A.B.C.D/LEN [mac=MAC|auto] [vlan=VID]"
 *       e.g. "client1 ip=198.18.1.11/24"; mac auto = 02:00 + the address; vlan only on a trunk
 * </pre>
 */
public record SegmentSpec(String name, List<PortSpec> ports, List<HostSpec> hosts, long ageingNanos,
        int queueCapacity, int maxFrameSize) {

    public static final int FDB_CAPACITY = 4096;

    /**
     * @param vids the access VID, or the trunk's VIDs ascending
     * @param peer the bridge's port name or the host name
     * @param mac the bridge port's MAC (null for a host port)
     */
    public record PortSpec(String name, PortMode mode, List<Integer> vids, PeerKind peerKind, String peer, byte[] mac,
            boolean up) {
        public PortSpec {
            vids = List.copyOf(vids);
        }
    }

    public record HostSpec(String name, Inet4Address ip, int prefixLength, byte[] mac, int vlan) {
        public String address() {
            return ip.getHostAddress() + "/" + prefixLength;
        }
    }

    public SegmentSpec {
        ports = List.copyOf(ports);
        hosts = List.copyOf(hosts);
    }

    public static SegmentSpec parse(String name, List<String> portLines, List<String> hostLines, long ageingNanos,
            int queueCapacity, int maxFrameSize) {
        if (name == null || !name.matches("[A-Za-z][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException("segment name '" + name
                    + "' must start with a letter and hold letters, digits, '_', '.', '-'");
        }
        if (ageingNanos <= 0) {
            throw new IllegalArgumentException("ageing time must be positive");
        }
        if (queueCapacity < 16 || queueCapacity > (1 << 20)) {
            throw new IllegalArgumentException("queue capacity must be 16..1048576, not " + queueCapacity);
        }
        if (maxFrameSize < 1514 || maxFrameSize > 9216) {
            throw new IllegalArgumentException("max frame size must be 1514..9216, not " + maxFrameSize);
        }
        List<String> pl = portLines == null ? List.of() : portLines;
        List<String> hl = hostLines == null ? List.of() : hostLines;
        Set<String> names = new HashSet<>();
        Map<String, HostSpec> hosts = new LinkedHashMap<>();
        Map<String, Integer> hostLineNo = new HashMap<>();
        for (int i = 0; i < hl.size(); i++) {
            HostSpec h = parseHost(i, hl.get(i));
            if (!names.add(h.name())) {
                throw bad("hosts", i, hl.get(i), "name '" + h.name() + "' is used twice");
            }
            hosts.put(h.name(), h);
            hostLineNo.put(h.name(), i);
        }
        List<PortSpec> ports = new ArrayList<>();
        Map<String, Integer> cabled = new HashMap<>();
        for (int i = 0; i < pl.size(); i++) {
            String line = pl.get(i);
            PortSpec p = parsePort(i, line, ports.size());
            if (!names.add(p.name())) {
                throw bad("ports", i, line, "name '" + p.name() + "' is used twice");
            }
            if (p.peerKind() == PeerKind.BRIDGE) {
                if (!names.add(p.peer())) {
                    throw bad("ports", i, line, "name '" + p.peer() + "' is used twice");
                }
            } else {
                HostSpec h = hosts.get(p.peer());
                if (h == null) {
                    throw bad("ports", i, line, "no host '" + p.peer() + "' among the hosts " + hosts.keySet());
                }
                if (cabled.put(p.peer(), i) != null) {
                    throw bad("ports", i, line, "host '" + p.peer() + "' is already cabled to another port");
                }
                if (p.mode() == PortMode.ACCESS && h.vlan() != 0) {
                    throw bad("ports", i, line, "host '" + h.name() + "' tags its frames (vlan=" + h.vlan()
                            + ") but the port is an access port: leave vlan out");
                }
                if (p.mode() == PortMode.TRUNK && (h.vlan() == 0 || !p.vids().contains(h.vlan()))) {
                    throw bad("ports", i, line, "host '" + h.name() + "' on a trunk needs vlan=VID, one of " + p.vids());
                }
            }
            ports.add(p);
        }
        for (String h : hosts.keySet()) {
            if (!cabled.containsKey(h)) {
                int i = hostLineNo.get(h);
                throw bad("hosts", i, hl.get(i), "host '" + h + "' is not cabled to any port (add a port line host=" + h + ")");
            }
        }
        checkUnique(ports, new ArrayList<>(hosts.values()), pl, hl);
        List<HostSpec> ordered = new ArrayList<>(hosts.values());
        return new SegmentSpec(name, ports, ordered, ageingNanos, queueCapacity, maxFrameSize);
    }

    private static void checkUnique(List<PortSpec> ports, List<HostSpec> hosts, List<String> pl, List<String> hl) {
        Map<Long, String> macs = new HashMap<>();
        Map<Integer, String> ips = new HashMap<>();
        for (int i = 0; i < hosts.size(); i++) {
            HostSpec h = hosts.get(i);
            int ip = java.nio.ByteBuffer.wrap(h.ip().getAddress()).getInt();
            String was = ips.put(ip, h.name());
            if (was != null) {
                throw bad("hosts", i, hl.get(i), "address " + h.ip().getHostAddress() + " is also " + was + "'s");
            }
            was = macs.put(Macs.toLong(h.mac()), h.name());
            if (was != null) {
                throw bad("hosts", i, hl.get(i), "MAC " + Macs.format(h.mac()) + " is also " + was + "'s");
            }
        }
        for (int i = 0; i < ports.size(); i++) {
            PortSpec p = ports.get(i);
            if (p.mac() != null) {
                String was = macs.put(Macs.toLong(p.mac()), p.peer());
                if (was != null) {
                    throw bad("ports", i, pl.get(i), "MAC " + Macs.format(p.mac()) + " is also " + was + "'s");
                }
            }
        }
    }

    static PortSpec parsePort(int lineNo, String line, int index) {
        String[] t = line == null ? new String[0] : line.trim().split("\\s+");
        if (t.length < 3 || t[0].isEmpty()) {
            throw bad("ports", lineNo, line, "expected 'NAME access=VID|trunk=VIDS bridge=PORTNAME|host=HOSTNAME'");
        }
        checkName("ports", lineNo, line, t[0]);
        Map<String, String> kv = keyValues("ports", lineNo, line, t, Set.of("access", "trunk", "bridge", "host", "mac", "up"));
        if (kv.containsKey("access") == kv.containsKey("trunk")) {
            throw bad("ports", lineNo, line, "give exactly one of access=VID and trunk=VIDS");
        }
        if (kv.containsKey("bridge") == kv.containsKey("host")) {
            throw bad("ports", lineNo, line, "give exactly one of bridge=PORTNAME and host=HOSTNAME");
        }
        PortMode mode = kv.containsKey("access") ? PortMode.ACCESS : PortMode.TRUNK;
        List<Integer> vids;
        if (mode == PortMode.ACCESS) {
            vids = List.of(vid("ports", lineNo, line, kv.get("access")));
        } else {
            vids = vidList(lineNo, line, kv.get("trunk"));
        }
        PeerKind kind = kv.containsKey("bridge") ? PeerKind.BRIDGE : PeerKind.HOST;
        String peer = kind == PeerKind.BRIDGE ? kv.get("bridge") : kv.get("host");
        checkName("ports", lineNo, line, peer);
        byte[] mac = null;
        if (kv.containsKey("mac")) {
            if (kind == PeerKind.HOST) {
                throw bad("ports", lineNo, line, "a host's MAC goes on its host line");
            }
            mac = mac("ports", lineNo, line, kv.get("mac"));
        } else if (kind == PeerKind.BRIDGE) {
            mac = new byte[] { 0x02, 0x00, 0x00, 0x00, (byte) 0xEE, (byte) (index + 1) };
        }
        boolean up = bool("ports", lineNo, line, kv.getOrDefault("up", "true"));
        return new PortSpec(t[0], mode, vids, kind, peer, mac, up);
    }

    static HostSpec parseHost(int lineNo, String line) {
        String[] t = line == null ? new String[0] : line.trim().split("\\s+");
        if (t.length < 2 || t[0].isEmpty()) {
            throw bad("hosts", lineNo, line, "expected 'NAME ip=A.B.C.D/LEN [mac=MAC|auto] [vlan=VID]'");
        }
        checkName("hosts", lineNo, line, t[0]);
        Map<String, String> kv = keyValues("hosts", lineNo, line, t, Set.of("ip", "mac", "vlan"));
        String ipText = kv.get("ip");
        if (ipText == null) {
            throw bad("hosts", lineNo, line, "ip=A.B.C.D/LEN is missing");
        }
        String[] cidr = ipText.split("/");
        if (cidr.length != 2) {
            throw bad("hosts", lineNo, line, "ip '" + ipText + "' is not A.B.C.D/LEN");
        }
        Inet4Address ip;
        try {
            ip = SimIpHost.parseIp(cidr[0]);
        } catch (IllegalArgumentException e) {
            throw bad("hosts", lineNo, line, e.getMessage());
        }
        int prefix = integer("hosts", lineNo, line, cidr[1], "prefix length");
        if (prefix < 1 || prefix > 30) {
            throw bad("hosts", lineNo, line, "prefix length must be 1..30, not " + prefix);
        }
        String macText = kv.getOrDefault("mac", "auto");
        byte[] mac = "auto".equalsIgnoreCase(macText) ? SimIpHost.defaultMac(ip) : mac("hosts", lineNo, line, macText);
        int vlan = kv.containsKey("vlan") ? vid("hosts", lineNo, line, kv.get("vlan")) : 0;
        return new HostSpec(t[0], ip, prefix, mac, vlan);
    }

    private static Map<String, String> keyValues(String list, int lineNo, String line, String[] t, Set<String> keys) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (int i = 1; i < t.length; i++) {
            int eq = t[i].indexOf('=');
            if (eq <= 0 || eq == t[i].length() - 1) {
                throw bad(list, lineNo, line, "'" + t[i] + "' is not KEY=VALUE");
            }
            String key = t[i].substring(0, eq).toLowerCase(Locale.ROOT);
            if (!keys.contains(key)) {
                throw bad(list, lineNo, line, "unknown key '" + key + "' (keys: " + String.join(", ", new TreeSet<>(keys)) + ")");
            }
            if (kv.put(key, t[i].substring(eq + 1)) != null) {
                throw bad(list, lineNo, line, "key '" + key + "' given twice");
            }
        }
        return kv;
    }

    private static List<Integer> vidList(int lineNo, String line, String text) {
        TreeSet<Integer> vids = new TreeSet<>();
        for (String part : text.split(",")) {
            int dash = part.indexOf('-');
            if (dash > 0) {
                int from = vid("ports", lineNo, line, part.substring(0, dash));
                int to = vid("ports", lineNo, line, part.substring(dash + 1));
                if (to < from) {
                    throw bad("ports", lineNo, line, "VID range '" + part + "' runs backwards");
                }
                for (int v = from; v <= to; v++) {
                    vids.add(v);
                }
            } else {
                vids.add(vid("ports", lineNo, line, part));
            }
        }
        return Collections.unmodifiableList(new ArrayList<>(vids));
    }

    private static int vid(String list, int lineNo, String line, String text) {
        int v = integer(list, lineNo, line, text, "VID");
        if (v < 1 || v > 4094) {
            throw bad(list, lineNo, line, "VID must be 1..4094, not " + v);
        }
        return v;
    }

    private static int integer(String list, int lineNo, String line, String text, String what) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw bad(list, lineNo, line, what + " '" + text + "' is not a number");
        }
    }

    private static boolean bool(String list, int lineNo, String line, String text) {
        if ("true".equalsIgnoreCase(text)) {
            return true;
        }
        if ("false".equalsIgnoreCase(text)) {
            return false;
        }
        throw bad(list, lineNo, line, "'" + text + "' is not true or false");
    }

    private static byte[] mac(String list, int lineNo, String line, String text) {
        byte[] mac;
        try {
            mac = Macs.parse(text);
        } catch (IllegalArgumentException e) {
            throw bad(list, lineNo, line, e.getMessage());
        }
        if (Macs.isMulticast(mac)) {
            throw bad(list, lineNo, line, "MAC " + text + " is a group address; a port needs a unicast one");
        }
        return mac;
    }

    private static void checkName(String list, int lineNo, String line, String name) {
        if (!name.matches("[A-Za-z][A-Za-z0-9_.-]*")) {
            throw bad(list, lineNo, line, "name '" + name + "' must start with a letter and hold letters, digits, '_', '.', '-'");
        }
    }

    private static IllegalArgumentException bad(String list, int lineNo, String line, String why) {
        return new IllegalArgumentException(list + " line " + (lineNo + 1) + " '" + line + "': " + why);
    }
}

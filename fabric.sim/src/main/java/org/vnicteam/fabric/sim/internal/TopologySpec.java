package org.vnicteam.fabric.sim.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A fabric topology as configured: nodes, links and partitions, parsed from the plain strings
 * Config Admin holds. Every mistake is reported with the offending entry.
 *
 * <pre>
 * node:      "NAME ca|switch PORTS"                   e.g. "server ca 1", "sw1 switch 8"
 * link:      "NODE:PORT NODE:PORT [key=value ...]"    keys: name, mtu, latency (ns|us|ms), loss, ber, up
 *            e.g. "sw1:1 sw2:1 name=isl1 mtu=4096 latency=2us loss=0.01 ber=1e-7"
 * partition: "PKEY=MEMBER,MEMBER,..."  MEMBER is a CA name, "*" for all; a CA name prefixed with
 *            "~" is a limited member; e.g. "0xFFFF=*", "0x8001=server,bridgeA,~monitor"
 * </pre>
 */
public record TopologySpec(List<NodeSpec> nodes, List<LinkSpec> links, List<PartitionSpec> partitions) {

    public enum Kind {
        CA, SWITCH
    }

    public record NodeSpec(String name, Kind kind, int ports) {
    }

    public record LinkSpec(String name, String nodeA, int portA, String nodeB, int portB, int mtu,
            long latencyNanos, double lossRate, double bitErrorRate, boolean up) {
    }

    /** A partition: P_Key without the membership bit, full and limited members. */
    public record PartitionSpec(int pkey, boolean allFull, Set<String> full, Set<String> limited) {
        public int pkeyFor(String ca) {
            if (allFull || full.contains(ca)) {
                return pkey | 0x8000;
            }
            return limited.contains(ca) ? pkey & 0x7FFF : -1;
        }
    }

    public TopologySpec {
        nodes = List.copyOf(nodes);
        links = List.copyOf(links);
        partitions = List.copyOf(partitions);
        validate(nodes, links);
    }

    /**
     * The default two-switch fabric: the server and bridges A and B; two parallel inter-switch
     * links so the subnet manager has a path to reroute over when one is cut.
     */
    public static TopologySpec defaultTwoSwitch() {
        return parse(new String[] { "server ca 1", "bridgeA ca 1", "bridgeB ca 1", "sw1 switch 8", "sw2 switch 8" },
                new String[] { "server:1 sw1:3 name=server-sw1", "sw1:1 sw2:1 name=isl1", "sw1:2 sw2:2 name=isl2",
                        "bridgeA:1 sw2:3 name=bridgeA-sw2", "bridgeB:1 sw2:4 name=bridgeB-sw2" },
                new String[] { "0xFFFF=*" });
    }

    public static TopologySpec parse(String[] nodeLines, String[] linkLines, String[] partitionLines) {
        List<NodeSpec> nodes = new ArrayList<>();
        for (String line : nonNull(nodeLines)) {
            nodes.add(parseNode(line));
        }
        List<LinkSpec> links = new ArrayList<>();
        for (String line : nonNull(linkLines)) {
            links.add(parseLink(line));
        }
        List<PartitionSpec> partitions = new ArrayList<>();
        for (String line : nonNull(partitionLines)) {
            partitions.add(parsePartition(line));
        }
        if (partitions.isEmpty()) {
            partitions.add(parsePartition("0xFFFF=*"));
        }
        return new TopologySpec(nodes, links, partitions);
    }

    private static String[] nonNull(String[] a) {
        return a == null ? new String[0] : a;
    }

    static NodeSpec parseNode(String line) {
        String[] t = line.trim().split("\\s+");
        if (t.length != 3) {
            throw bad("node", line, "expected 'NAME ca|switch PORTS'");
        }
        Kind kind;
        try {
            kind = Kind.valueOf(t[1].toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw bad("node", line, "kind must be 'ca' or 'switch', not '" + t[1] + "'");
        }
        int ports = parseInt("node", line, t[2]);
        int max = kind == Kind.CA ? 2 : 36;
        if (ports < 1 || ports > max) {
            throw bad("node", line, "a " + t[1] + " has 1.." + max + " ports");
        }
        if (!t[0].matches("[A-Za-z][A-Za-z0-9_.-]*")) {
            throw bad("node", line, "name must start with a letter and hold letters, digits, '_', '.', '-'");
        }
        return new NodeSpec(t[0], kind, ports);
    }

    static LinkSpec parseLink(String line) {
        String[] t = line.trim().split("\\s+");
        if (t.length < 2) {
            throw bad("link", line, "expected 'NODE:PORT NODE:PORT [key=value ...]'");
        }
        String[] a = endpoint(line, t[0]);
        String[] b = endpoint(line, t[1]);
        String name = t[0] + "-" + t[1];
        int mtu = 4096;
        long latency = 0;
        double loss = 0;
        double ber = 0;
        boolean up = true;
        for (int i = 2; i < t.length; i++) {
            int eq = t[i].indexOf('=');
            if (eq <= 0) {
                throw bad("link", line, "'" + t[i] + "' is not key=value");
            }
            String key = t[i].substring(0, eq);
            String value = t[i].substring(eq + 1);
            switch (key) {
                case "name" -> name = value;
                case "mtu" -> {
                    mtu = parseInt("link", line, value);
                    if (mtu != 256 && mtu != 512 && mtu != 1024 && mtu != 2048 && mtu != 4096) {
                        throw bad("link", line, "mtu must be 256, 512, 1024, 2048 or 4096");
                    }
                }
                case "latency" -> latency = parseDuration(line, value);
                case "loss" -> loss = probability(line, value);
                case "ber" -> ber = probability(line, value);
                case "up" -> up = Boolean.parseBoolean(value);
                default -> throw bad("link", line, "unknown key '" + key + "'");
            }
        }
        return new LinkSpec(name, a[0], parseInt("link", line, a[1]), b[0], parseInt("link", line, b[1]), mtu,
                latency, loss, ber, up);
    }

    static PartitionSpec parsePartition(String line) {
        int eq = line.indexOf('=');
        if (eq <= 0) {
            throw bad("partition", line, "expected 'PKEY=MEMBER,...'");
        }
        String k = line.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        int pkey;
        try {
            pkey = k.startsWith("0x") ? Integer.parseInt(k.substring(2), 16) : Integer.parseInt(k);
        } catch (NumberFormatException e) {
            throw bad("partition", line, "P_Key '" + k + "' is not a number");
        }
        if (pkey < 0 || pkey > 0xFFFF || (pkey & 0x7FFF) == 0) {
            throw bad("partition", line, "P_Key must be 16 bits and not the invalid key 0x0000/0x8000");
        }
        boolean all = false;
        Set<String> full = new HashSet<>();
        Set<String> limited = new HashSet<>();
        for (String m : line.substring(eq + 1).split(",")) {
            m = m.trim();
            if (m.equals("*")) {
                all = true;
            } else if (m.startsWith("~")) {
                limited.add(m.substring(1));
            } else if (!m.isEmpty()) {
                full.add(m);
            }
        }
        return new PartitionSpec(pkey & 0x7FFF, all, Set.copyOf(full), Set.copyOf(limited));
    }

    private static String[] endpoint(String line, String s) {
        String[] p = s.split(":");
        if (p.length != 2) {
            throw bad("link", line, "endpoint '" + s + "' is not NODE:PORT");
        }
        return p;
    }

    private static long parseDuration(String line, String v) {
        long mult;
        String num;
        if (v.endsWith("ns")) {
            mult = 1;
            num = v.substring(0, v.length() - 2);
        } else if (v.endsWith("us")) {
            mult = 1_000;
            num = v.substring(0, v.length() - 2);
        } else if (v.endsWith("ms")) {
            mult = 1_000_000;
            num = v.substring(0, v.length() - 2);
        } else {
            throw bad("link", line, "latency '" + v + "' needs a unit: ns, us or ms");
        }
        long n = parseInt("link", line, num);
        if (n < 0 || n > 1000 * 1_000_000L / mult) {
            throw bad("link", line, "latency must be 0..1000ms");
        }
        return n * mult;
    }

    private static double probability(String line, String v) {
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw bad("link", line, "'" + v + "' is not a number");
        }
        if (!(d >= 0 && d < 1)) {
            throw bad("link", line, "probabilities are 0 <= p < 1, not " + v);
        }
        return d;
    }

    private static int parseInt(String what, String line, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw bad(what, line, "'" + v + "' is not an integer");
        }
    }

    private static IllegalArgumentException bad(String what, String line, String problem) {
        return new IllegalArgumentException("bad " + what + " '" + line + "': " + problem);
    }

    private static void validate(List<NodeSpec> nodes, List<LinkSpec> links) {
        Map<String, NodeSpec> byName = new HashMap<>();
        for (NodeSpec n : nodes) {
            if (byName.put(n.name(), n) != null) {
                throw new IllegalArgumentException("node '" + n.name() + "' defined twice");
            }
        }
        Set<String> usedPorts = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (LinkSpec l : links) {
            if (!names.add(l.name())) {
                throw new IllegalArgumentException("link name '" + l.name() + "' used twice");
            }
            checkEnd(byName, usedPorts, l, l.nodeA(), l.portA());
            checkEnd(byName, usedPorts, l, l.nodeB(), l.portB());
            if (l.nodeA().equals(l.nodeB())) {
                throw new IllegalArgumentException("link '" + l.name() + "' connects a node to itself");
            }
        }
    }

    private static void checkEnd(Map<String, NodeSpec> byName, Set<String> used, LinkSpec l, String node, int port) {
        NodeSpec n = byName.get(node);
        if (n == null) {
            throw new IllegalArgumentException("link '" + l.name() + "' names unknown node '" + node + "'");
        }
        if (port < 1 || port > n.ports()) {
            throw new IllegalArgumentException(
                    "link '" + l.name() + "': " + node + " has ports 1.." + n.ports() + ", not " + port);
        }
        if (!used.add(node + ":" + port)) {
            throw new IllegalArgumentException("link '" + l.name() + "': port " + node + ":" + port + " already cabled");
        }
    }
}

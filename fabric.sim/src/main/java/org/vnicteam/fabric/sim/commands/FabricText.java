package org.vnicteam.fabric.sim.commands;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.vnicteam.api.fabric.FabricStatus;
import org.vnicteam.api.fabric.FabricStatus.LinkStatus;
import org.vnicteam.api.fabric.FabricStatus.NodeCounters;
import org.vnicteam.api.fabric.FabricStatus.NodeStatus;
import org.vnicteam.api.fabric.FabricStatus.PortStatus;

/** Plain-text tables of the fabric DTOs, read at a glance. No Gogo types here. */
final class FabricText {

    private FabricText() {
    }

    /** Summary line, nodes with their connected ports, links, counters. */
    static String status(FabricStatus s) {
        StringBuilder sb = new StringBuilder();
        sb.append(summary(s)).append("\n\n");
        sb.append(nodes(s.nodes())).append('\n');
        sb.append(links(s.links())).append('\n');
        sb.append(counters(s.nodes()));
        return sb.toString();
    }

    static String summary(FabricStatus s) {
        long down = s.links().stream().filter(l -> !l.up()).count();
        long activePorts = s.nodes().stream().flatMap(n -> n.ports().stream())
                .filter(p -> "ACTIVE".equals(p.state())).count();
        long cas = s.nodes().stream().filter(n -> n.kind() == FabricStatus.Kind.CA).count();
        return String.format(Locale.ROOT, "fabric: %d nodes (%d CAs, %d switches), %d links (%d down), %d ports active;"
                + " subnet manager on %s, %d sweeps", s.nodes().size(), cas, s.nodes().size() - cas,
                s.links().size(), down, activePorts, s.subnetManager(), s.sweeps());
    }

    static String nodes(List<NodeStatus> nodes) {
        Table t = new Table("NODE", "KIND", "GUID", "POWER", "PORT", "LID", "STATE", "PEER", "LINK");
        for (NodeStatus n : nodes) {
            boolean first = true;
            int unconnected = 0;
            for (PortStatus p : n.ports()) {
                if (p.peer().isEmpty() && n.kind() == FabricStatus.Kind.SWITCH) {
                    unconnected++;
                    continue;
                }
                t.row(first ? n.name() : "", first ? n.kind().name() : "", first ? guid(n.guid()) : "",
                        first ? power(n) : "", String.valueOf(p.port()), p.lid() == 0 ? "-" : String.valueOf(p.lid()),
                        p.state(), p.peer().isEmpty() ? "-" : p.peer(), p.link().isEmpty() ? "-" : p.link());
                first = false;
            }
            if (first) {
                t.row(n.name(), n.kind().name(), guid(n.guid()), power(n), "-", "-", "-", "-", "-");
            }
            if (unconnected > 0) {
                t.row("", "", "", "", "", "", "", "(" + unconnected + " more ports unconnected)", "");
            }
        }
        return t.toString();
    }

    static String links(List<LinkStatus> links) {
        Table t = new Table("LINK", "ENDS", "STATE", "MTU", "LATENCY", "LOSS", "BER", "PACKETS", "LOST", "CORRUPTED");
        for (LinkStatus l : links) {
            t.row(l.name(), l.a() + " <-> " + l.b(), l.up() ? "up" : "DOWN", String.valueOf(l.mtu()),
                    nanos(l.latencyNanos()), rate(l.lossRate()), rate(l.bitErrorRate()), String.valueOf(l.packets()),
                    String.valueOf(l.lost()), String.valueOf(l.corrupted()));
        }
        return t.toString();
    }

    static String counters(List<NodeStatus> nodes) {
        Table t = new Table("COUNTERS", "FORWARDED/ACCEPTED", "DROP:DLID", "VCRC", "ICRC", "PKEY", "MALFORMED", "NO-QP");
        for (NodeStatus n : nodes) {
            NodeCounters c = n.counters();
            t.row(n.name(), String.valueOf(c.forwarded()), String.valueOf(c.droppedUnknownDlid()),
                    String.valueOf(c.droppedBadVcrc()), String.valueOf(c.droppedBadIcrc()), String.valueOf(c.droppedPkey()),
                    String.valueOf(c.droppedMalformed()), String.valueOf(c.droppedNoQp()));
        }
        return t.toString();
    }

    static String linkLine(LinkStatus l) {
        return String.format(Locale.ROOT, "%s %s <-> %s %s mtu %d loss %s ber %s packets %d lost %d corrupted %d",
                l.name(), l.a(), l.b(), l.up() ? "up" : "DOWN", l.mtu(), rate(l.lossRate()), rate(l.bitErrorRate()),
                l.packets(), l.lost(), l.corrupted());
    }

    static String nodeLine(NodeStatus n) {
        StringBuilder sb = new StringBuilder(n.name()).append(' ').append(n.kind()).append(' ').append(guid(n.guid()));
        for (PortStatus p : n.ports()) {
            if (!p.peer().isEmpty()) {
                sb.append(" [").append(p.port()).append(" lid ").append(p.lid()).append(' ').append(p.state())
                        .append(" -> ").append(p.peer()).append(']');
            }
        }
        return sb.toString();
    }

    static String capture(CaptureInfo c) {
        return String.format(Locale.ROOT, "capture %s:%d %s %s, %d packets%s", c.node(), c.port(),
                c.running() ? "->" : "stopped,", c.file(), c.packets(),
                c.running() ? " so far (fabric:stopcapture " + c.node() + " " + c.port() + " closes it)" : "");
    }

    private static String power(NodeStatus n) {
        return n.kind() == FabricStatus.Kind.SWITCH ? "-" : n.open() ? "on" : "off";
    }

    private static String guid(long guid) {
        return String.format(Locale.ROOT, "0x%016x", guid);
    }

    private static String nanos(long ns) {
        if (ns == 0) {
            return "0";
        }
        if (ns % 1_000_000 == 0) {
            return ns / 1_000_000 + "ms";
        }
        if (ns % 1_000 == 0) {
            return ns / 1_000 + "us";
        }
        return ns + "ns";
    }

    /** 0.01, 1e-9: three significant digits at most, no trailing zeros. */
    static String rate(double p) {
        if (p == 0) {
            return "0";
        }
        BigDecimal d = BigDecimal.valueOf(p).round(new MathContext(3)).stripTrailingZeros();
        return (p >= 1e-4 ? d.toPlainString() : d.toString()).toLowerCase(Locale.ROOT);
    }

    /** Left-aligned columns two spaces apart, a header row first (also used by {@link EthernetText}). */
    static final class Table {
        private final List<String[]> rows = new ArrayList<>();

        Table(String... header) {
            rows.add(header);
        }

        void row(String... cells) {
            rows.add(cells);
        }

        @Override
        public String toString() {
            int columns = rows.get(0).length;
            int[] width = new int[columns];
            for (String[] r : rows) {
                for (int i = 0; i < columns; i++) {
                    width[i] = Math.max(width[i], r[i].length());
                }
            }
            StringBuilder sb = new StringBuilder();
            for (String[] r : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < columns; i++) {
                    line.append(r[i]);
                    if (i < columns - 1) {
                        line.append(" ".repeat(width[i] - r[i].length() + 2));
                    }
                }
                sb.append(line.toString().stripTrailing()).append('\n');
            }
            return sb.toString();
        }
    }
}

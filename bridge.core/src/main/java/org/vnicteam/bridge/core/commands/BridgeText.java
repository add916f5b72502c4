package org.vnicteam.bridge.core.commands;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.vnicteam.api.bridge.BridgeCounters;
import org.vnicteam.api.bridge.BridgeStatus;
import org.vnicteam.api.bridge.ChannelStatus;
import org.vnicteam.api.bridge.ProbeStatus;

/** Plain-text views of the bridge commands' DTOs, read at a glance. No Gogo types here. */
final class BridgeText {

    private BridgeText() {
    }

    static String state(BridgeInfo b) {
        return switch (b.state()) {
            case PLUGGED -> "plugged";
            case PLUGGING -> "plugging in";
            case UNPLUGGING -> "unplugging";
            case UNPLUGGED -> "unplugged";
        };
    }

    /** Summary line and one row per bridge. */
    static String overview(BridgeOverview o) {
        StringBuilder sb = new StringBuilder();
        long plugged = o.bridges().stream().filter(b -> b.state() == BridgeInfo.State.PLUGGED).count();
        sb.append(String.format(Locale.ROOT, "bridges: %d, %d plugged, %d unplugged", o.bridges().size(), plugged,
                o.bridges().stream().filter(b -> b.state() == BridgeInfo.State.UNPLUGGED).count()));
        if (o.bridges().isEmpty()) {
            return sb.append(" (no device bundle is installed and no org.vnicteam.bridge configuration exists)\n")
                    .toString();
        }
        sb.append("\n\n");
        Table t = new Table("BRIDGE", "STATE", "CARRIER", "SESSIONS", "MAC", "LID", "TX-FRAMES", "RX-FRAMES",
                "DROPPED", "CARRIER-CHANGES", "PATH", "DEVICE-BUNDLE");
        for (BridgeInfo b : o.bridges()) {
            BridgeStatus s = b.status();
            if (s == null) {
                t.row(b.name(), state(b), "-", "-", "-", "-", "-", "-", "-", "-", "-", bundle(b));
            } else {
                BridgeCounters c = s.counters();
                t.row(b.name(), state(b), s.carrier() ? "up" : "DOWN", String.valueOf(b.sessions()), s.mac(),
                        lid(s), String.valueOf(c.txFrames()), String.valueOf(c.rxFrames()), String.valueOf(c.dropped()),
                        String.valueOf(c.carrierChanges()), path(s.probes()), bundle(b));
            }
        }
        sb.append(t);
        String waiting = o.bridges().stream().filter(b -> b.state() == BridgeInfo.State.PLUGGING)
                .map(BridgeInfo::name).collect(Collectors.joining(", "));
        if (!waiting.isEmpty()) {
            sb.append("plugging in: ").append(waiting).append(": ").append(waitingReason()).append('\n');
        }
        return sb.toString();
    }

    /** One line (an element of bridge:list). */
    static String line(BridgeInfo b) {
        BridgeStatus s = b.status();
        String device = s == null ? "" : String.format(Locale.ROOT, "  carrier %s  %d session%s  %s  lid %s",
                s.carrier() ? "up" : "DOWN", b.sessions(), b.sessions() == 1 ? "" : "s", s.mac(), lid(s));
        return String.format(Locale.ROOT, "%-10s %-11s%s  bundle %s", b.name(), state(b), device, bundle(b));
    }

    /** Everything about one bridge. */
    static String detail(BridgeInfo b) {
        StringBuilder sb = new StringBuilder();
        BridgeStatus s = b.status();
        sb.append("bridge ").append(b.name()).append(": ").append(state(b));
        if (s != null) {
            sb.append(", carrier ").append(s.carrier() ? "up" : "DOWN").append(", ").append(b.sessions())
                    .append(b.sessions() == 1 ? " session" : " sessions");
        }
        sb.append('\n');
        if (s != null) {
            BridgeCounters c = s.counters();
            Table t = new Table("", "");
            t.row("fabric", "adapter " + s.adapterName() + ", LID " + lid(s));
            t.row("ethernet", "port " + s.ethernetPort() + ", MTU " + s.ethernetMtu() + ", MAC " + s.mac() + ", "
                    + c.carrierChanges() + " carrier change" + (c.carrierChanges() == 1 ? "" : "s"));
            t.row("tx", c.txFrames() + " frames, " + c.txBytes() + " bytes (host to Ethernet)");
            t.row("rx", c.rxFrames() + " frames, " + c.rxBytes() + " bytes (Ethernet to host)");
            t.row("dropped", c.dropped() + ": " + drops(c));
            t.row("probes", probes(s.probes()));
            t.row("device", deviceBundle(b));
            sb.append(t.bodyWithoutHeader());
            if (!s.channels().isEmpty()) {
                sb.append('\n');
                Table ch = new Table("SESSION", "PEER-LID", "PEER-QP", "QP", "STATE", "TEAM-MAC", "VLANS",
                        "LAST-SEQ-ON-WIRE", "TX-FRAMES", "RX-FRAMES", "DROPPED");
                for (ChannelStatus x : s.channels()) {
                    ch.row(String.valueOf(x.peer().sessionId()), String.valueOf(x.peer().lid()),
                            String.valueOf(x.peer().queuePairNumber()), String.valueOf(x.queuePairNumber()),
                            x.open() ? "open" : "closed", x.teamMac().isEmpty() ? "-" : x.teamMac(),
                            x.vlans().isEmpty() ? "-" : x.vlans().stream().map(v -> v == 0 ? "untagged" : v.toString())
                                    .collect(Collectors.joining(",")),
                            String.valueOf(x.lastSequenceOnWire()), String.valueOf(x.counters().txFrames()),
                            String.valueOf(x.counters().rxFrames()), String.valueOf(x.counters().dropped()));
                }
                sb.append(ch);
            }
            if (!s.probes().watches().isEmpty()) {
                sb.append('\n');
                Table w = new Table("PATH-WATCH", "VLAN", "STATE", "PEERS", "PROBES-SENT", "PROBES-HEARD", "LOST-EVENTS",
                        "SILENT", "WINDOW", "DELAY-SEEN");
                for (ProbeStatus.Watch x : s.probes().watches()) {
                    w.row(x.teamMac(), x.vlan() == 0 ? "untagged" : String.valueOf(x.vlan()), watchState(x),
                            x.peers().isEmpty() ? "-" : String.join(",", x.peers()), String.valueOf(x.probesSent()),
                            String.valueOf(x.probesReceived()), String.valueOf(x.lostEvents()),
                            millis(x.silentNanos()), millis(x.windowNanos()), millis(x.delaySeenNanos()));
                }
                sb.append(w);
            }
            return sb.toString();
        }
        sb.append("  device  ").append(deviceBundle(b)).append('\n');
        switch (b.state()) {
            case PLUGGING -> sb.append("  ").append(waitingReason()).append('\n');
            case UNPLUGGED -> sb.append("  bridge:plug ").append(b.name()).append(" plugs it in").append(
                    b.hasBundle() ? " (start " + b.bundleId() + ")" : " (install " + b.location() + ")").append('\n');
            default -> sb.append("  going down\n");
        }
        return sb.toString();
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    private static String waitingReason() {
        return "its device bundle is active but the device is not up: it waits for its fabric adapter "
                + "(fabric:status) or its Ethernet port (ethernet:status)";
    }

    private static String drops(BridgeCounters c) {
        return String.format(Locale.ROOT, "oversize %d, no carrier %d, filtered %d, malformed %d, no buffer %d",
                c.droppedOversize(), c.droppedNoCarrier(), c.droppedFiltered(), c.droppedMalformed(),
                c.droppedNoBuffer());
    }

    /** "-" without probes, "LOST" when a watch is, "up" when some are armed, else "unarmed" (no peer heard yet). */
    static String path(ProbeStatus p) {
        if (!p.enabled()) {
            return "-";
        }
        if (!p.pathUp()) {
            return "LOST";
        }
        return p.watches().stream().anyMatch(ProbeStatus.Watch::armed) ? "up" : "unarmed";
    }

    private static String probes(ProbeStatus p) {
        if (!p.enabled()) {
            return "off (probe.interval.ms=0)";
        }
        return String.format(Locale.ROOT, "every %.1f ms, lost after %d silent; path %s; sent %d (refused %d), "
                + "heard %d, ignored %d, malformed %d, path lost %d time%s", p.intervalMicros() / 1000.0, p.misses(),
                path(p), p.sent(), p.sendFailed(), p.received(), p.ignored(), p.malformed(), p.pathLostEvents(),
                p.pathLostEvents() == 1 ? "" : "s");
    }

    private static String watchState(ProbeStatus.Watch w) {
        String s = w.lost() ? "LOST" : w.armed() ? "armed" : "unarmed";
        return w.programmed() ? s : s + " (not programmed)";
    }

    private static String lid(BridgeStatus s) {
        return s.fabricLid() == 0 ? "-" : String.valueOf(s.fabricLid());
    }

    /** "12 ACTIVE", "UNINSTALLED", "none" (an operator's configuration). */
    private static String bundle(BridgeInfo b) {
        if (b.hasBundle()) {
            return b.bundleId() + " " + b.bundleState();
        }
        return b.bundleState().isEmpty() ? "none (configuration)" : b.bundleState();
    }

    private static String deviceBundle(BridgeInfo b) {
        if (!b.hasBundle() && b.bundleState().isEmpty()) {
            return "no device bundle: configuration org.vnicteam.bridge~" + b.name();
        }
        return "bundle " + (b.hasBundle() ? b.bundleId() + " " : "") + b.bundle() + " " + b.bundleState() + ", "
                + b.location();
    }

    /** Left-aligned columns two spaces apart, a header row first. */
    private static final class Table {
        private final List<String[]> rows = new ArrayList<>();

        Table(String... header) {
            rows.add(header);
        }

        void row(String... cells) {
            rows.add(cells);
        }

        String bodyWithoutHeader() {
            return render(rows.subList(1, rows.size()), "  ");
        }

        @Override
        public String toString() {
            return render(rows, "");
        }

        private String render(List<String[]> lines, String indent) {
            int columns = rows.get(0).length;
            int[] width = new int[columns];
            for (String[] r : lines) {
                for (int i = 0; i < columns; i++) {
                    width[i] = Math.max(width[i], r[i].length());
                }
            }
            StringBuilder sb = new StringBuilder();
            for (String[] r : lines) {
                StringBuilder line = new StringBuilder(indent);
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

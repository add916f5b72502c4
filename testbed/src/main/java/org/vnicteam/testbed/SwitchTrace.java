package org.vnicteam.testbed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Where a fail-over's outage goes, read off the switch's own ports during a cut of a system's
 * active link, both ways. Client → server: the last client frame the switch put out of the old
 * port, the first frame from the server's MAC that came in on the new port (from then on the
 * switch can learn the MAC there), and the first client frame it put out of the new port.
 * Server → client: the last server frame in on the old port, the first in on the new port, and
 * that one's way out of the client's port. In each, the first span belongs to the system (noticing
 * the loss, failing over, a frame from the backup), the second to the switch (moving the MAC, or
 * setting up forwarding for a flow from a new port). Captured with dumpcap in the switch's
 * namespace, read back with tshark's field output.
 */
final class SwitchTrace {

    /**
     * One captured frame: when (epoch seconds, the capture's kernel timestamp), on which switch
     * port, whether it is a frame of the traced client → server stream ({@code up}) or server →
     * client stream ({@code down}), whether it came from the server's MAC.
     */
    record Frame(double epochSeconds, String port, boolean up, boolean down, boolean fromServer) {
    }

    /** One cut, one direction: the system's span and the switch's, in ms (see the class comment). */
    record Move(double systemMillis, double switchMillis) {

        double totalMillis() {
            return systemMillis + switchMillis;
        }
    }

    private SwitchTrace() {
    }

    /**
     * The tshark fields of a capture, one frame per line: {@code frame.time_epoch},
     * {@code frame.interface_name}, {@code eth.src}, {@code udp.dstport} (tab-separated). Lines that
     * do not parse are skipped.
     */
    static List<Frame> parse(String fields, String serverMac, int upPort, int downPort) {
        List<Frame> frames = new ArrayList<>();
        for (String line : fields.split("\n")) {
            String[] f = line.strip().split("\t", -1);
            if (f.length < 3 || f[0].isEmpty()) {
                continue;
            }
            try {
                double t = Double.parseDouble(f[0]);
                List<String> ports = f.length > 3 ? List.of(f[3].split(",")) : List.of();
                boolean fromServer = f[2].equalsIgnoreCase(serverMac);
                frames.add(new Frame(t, f[1], !fromServer && ports.contains(Integer.toString(upPort)),
                        fromServer && ports.contains(Integer.toString(downPort)), fromServer));
            } catch (NumberFormatException e) {
                // a line that is not a frame (tshark's warnings)
            }
        }
        return frames;
    }

    /**
     * Client → server for one cut made at {@code cutEpoch} from {@code oldPort} to {@code newPort};
     * frames from {@code untilEpoch} on (the restoration) are not looked at. Empty if the capture
     * does not show the stream on both ports around the cut. The switch's span is 0 if the stream
     * reached the new port before any frame from the server (the switch flooded it).
     */
    static Optional<Move> clientToServer(List<Frame> frames, String oldPort, String newPort, double cutEpoch,
            double untilEpoch) {
        double lastOld = last(frames, Frame::up, oldPort, cutEpoch - 1, untilEpoch);
        double firstNew = first(frames, Frame::up, newPort, lastOld, untilEpoch);
        if (Double.isNaN(firstNew)) {
            return Optional.empty();
        }
        double fromServer = first(frames, Frame::fromServer, newPort, lastOld, untilEpoch);
        if (Double.isNaN(fromServer) || fromServer > firstNew) {
            return Optional.of(new Move((firstNew - lastOld) * 1e3, 0));
        }
        return Optional.of(new Move((fromServer - lastOld) * 1e3, (firstNew - fromServer) * 1e3));
    }

    /**
     * Server → client for one cut: the last server frame in on {@code oldPort}, the first in on
     * {@code newPort}, and that one's way out of {@code clientPort}. Empty if the capture does not
     * show it.
     */
    static Optional<Move> serverToClient(List<Frame> frames, String oldPort, String newPort, String clientPort,
            double cutEpoch, double untilEpoch) {
        double lastOld = last(frames, Frame::down, oldPort, cutEpoch - 1, untilEpoch);
        double firstNew = first(frames, Frame::down, newPort, lastOld, untilEpoch);
        double out = first(frames, Frame::down, clientPort, firstNew, untilEpoch + 1);
        if (Double.isNaN(out)) {
            return Optional.empty();
        }
        return Optional.of(new Move((firstNew - lastOld) * 1e3, (out - firstNew) * 1e3));
    }

    /** The latest frame of a kind on a port in (from, until); NaN if none. */
    private static double last(List<Frame> frames, Predicate<Frame> kind, String port, double from, double until) {
        double t = Double.NaN;
        for (Frame f : frames) {
            double e = f.epochSeconds();
            if (kind.test(f) && f.port().equals(port) && e > from && e < until && (Double.isNaN(t) || e > t)) {
                t = e;
            }
        }
        return t;
    }

    /** The earliest frame of a kind on a port in (from, until); NaN if none, or if from is NaN. */
    private static double first(List<Frame> frames, Predicate<Frame> kind, String port, double from, double until) {
        if (Double.isNaN(from)) {
            return Double.NaN;
        }
        double t = Double.NaN;
        for (Frame f : frames) {
            double e = f.epochSeconds();
            if (kind.test(f) && f.port().equals(port) && e > from && e < until && (Double.isNaN(t) || e < t)) {
                t = e;
            }
        }
        return t;
    }

    /** "min / median / max" of some milliseconds. */
    static String spread(double[] millis) {
        if (millis.length == 0) {
            return "—";
        }
        double[] s = millis.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "%.2f / %.2f / %.2f", s[0], FailoverBench.median(s), s[s.length - 1]);
    }
}

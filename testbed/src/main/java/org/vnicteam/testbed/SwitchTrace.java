package org.vnicteam.testbed;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a client → server outage goes, read off the switch's own ports during a cut of a system's
 * active link: the last client → server frame the switch put out of the old port, the first frame
 * from the server's MAC that came in on the new port (from then on the switch can learn the MAC
 * there), and the first client → server frame it put out of the new port. The first span belongs
 * to the system (noticing the loss, failing over, a frame from the backup); the second to the
 * switch (moving the MAC to the new port). Captured with dumpcap in the switch's namespace, read
 * back with tshark's field output.
 */
final class SwitchTrace {

    /**
     * One captured frame: when (epoch seconds, the capture's kernel timestamp), on which switch
     * port, whether it is a frame of the traced client → server stream, whether it came from the
     * server's MAC.
     */
    record Frame(double epochSeconds, String port, boolean stream, boolean fromServer) {
    }

    /**
     * One cut: from the old port's last stream frame to the new port's first frame from the server
     * ({@code systemMillis}), and from there to the new port's first stream frame
     * ({@code switchMillis}; 0 if the stream got there first, i.e. the switch flooded it).
     */
    record Move(double systemMillis, double switchMillis) {

        double totalMillis() {
            return systemMillis + switchMillis;
        }
    }

    private SwitchTrace() {
    }

    /**
     * The tshark fields of a capture, one frame per line: {@code frame.time_epoch},
     * {@code frame.interface_name}, {@code eth.src}, {@code udp.dstport} (tab-separated; a VLAN-tagged
     * frame's port is its inner UDP port). Lines that do not parse are skipped.
     */
    static List<Frame> parse(String fields, String serverMac, int streamPort) {
        List<Frame> frames = new ArrayList<>();
        String port = Integer.toString(streamPort);
        for (String line : fields.split("\n")) {
            String[] f = line.strip().split("\t", -1);
            if (f.length < 3 || f[0].isEmpty()) {
                continue;
            }
            try {
                double t = Double.parseDouble(f[0]);
                boolean stream = f.length > 3 && List.of(f[3].split(",")).contains(port);
                boolean fromServer = f[2].equalsIgnoreCase(serverMac);
                frames.add(new Frame(t, f[1], stream && !fromServer, fromServer));
            } catch (NumberFormatException e) {
                // a line that is not a frame (tshark's warnings)
            }
        }
        return frames;
    }

    /**
     * The move of one cut made at {@code cutEpoch} from {@code oldPort} to {@code newPort}; frames
     * later than {@code untilEpoch} (the restoration) are not looked at. Empty if the capture does
     * not show the stream on both ports around the cut.
     */
    static Optional<Move> move(List<Frame> frames, String oldPort, String newPort, double cutEpoch, double untilEpoch) {
        double lastOld = Double.NaN;
        for (Frame f : frames) {
            if (f.stream() && f.port().equals(oldPort) && f.epochSeconds() > cutEpoch - 1 && f.epochSeconds() < untilEpoch) {
                lastOld = Double.isNaN(lastOld) ? f.epochSeconds() : Math.max(lastOld, f.epochSeconds());
            }
        }
        if (Double.isNaN(lastOld)) {
            return Optional.empty();
        }
        double fromServer = Double.NaN;
        double firstNew = Double.NaN;
        for (Frame f : frames) {
            double t = f.epochSeconds();
            if (!f.port().equals(newPort) || t <= lastOld || t >= untilEpoch) {
                continue;
            }
            if (f.fromServer() && (Double.isNaN(fromServer) || t < fromServer)) {
                fromServer = t;
            }
            if (f.stream() && (Double.isNaN(firstNew) || t < firstNew)) {
                firstNew = t;
            }
        }
        if (Double.isNaN(firstNew)) {
            return Optional.empty();
        }
        if (Double.isNaN(fromServer) || fromServer > firstNew) {
            return Optional.of(new Move((firstNew - lastOld) * 1e3, 0));
        }
        return Optional.of(new Move((fromServer - lastOld) * 1e3, (firstNew - fromServer) * 1e3));
    }

    /** "min / median / max" of some milliseconds. */
    static String spread(double[] millis) {
        double[] s = millis.clone();
        java.util.Arrays.sort(s);
        int n = s.length;
        if (n == 0) {
            return "—";
        }
        double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        return String.format(Locale.ROOT, "%.2f / %.2f / %.2f", s[0], median, s[n - 1]);
    }
}

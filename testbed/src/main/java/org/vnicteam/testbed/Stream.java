package org.vnicteam.testbed;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The traffic tool: UDP sequence streams at a fixed rate, and their receiver, which reports every
 * gap (first missing sequence number, frames lost, outage in ms). A stream's id is its destination
 * port, so a receiver knows its stream by the port it listens on.
 * <pre>
 * java -cp testbed.jar org.vnicteam.testbed.Stream send --netns vt-client1 --to 198.18.1.1:5001 --rate 1000 --count 10000
 * java -cp testbed.jar org.vnicteam.testbed.Stream recv --netns vt-server --port 5001 --rate 1000 --count 10000
 * </pre>
 * Exit codes: 0 done (the receiver: every datagram arrived), 1 the receiver saw loss, 2 bad arguments or I/O error.
 */
public final class Stream {

    static final String USAGE = """
            usage: Stream send --to ADDRESS:PORT [--to ...] --rate PER_SECOND --count N [--size BYTES] [--netns NAME]
                   Stream recv --port PORT --rate PER_SECOND --count N [--timeout SECONDS] [--stall-ms MS] [--netns NAME]
              send: one stream per --to (its id is the port), all paced from one thread (parkNanos + spin)
              recv: waits for the stream (up to --timeout, default count/rate + 10 s; 2 s of silence after
                    the first datagram ends it) and prints each gap: first missing, lost, outage in ms
              --netns: the network namespace (from 'ip netns') to open the socket in; default the process's own
              --size: UDP payload bytes, 24..1472 (default 64); --stall-ms: a lossless pause longer than
                    this is a gap too (default 1)""";

    private Stream() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            if (args.length == 0 || !(args[0].equals("send") || args[0].equals("recv"))) {
                throw new IllegalArgumentException("first argument: send or recv");
            }
            Map<String, List<String>> opts = options(args);
            return args[0].equals("send") ? send(opts, out) : recv(opts, out);
        } catch (IllegalArgumentException e) {
            err.println("Stream: " + e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (Exception e) {
            err.println("Stream: " + e);
            return 2;
        }
    }

    private static int send(Map<String, List<String>> opts, PrintStream out) throws Exception {
        allow(opts, "--to", "--rate", "--count", "--size", "--netns");
        String netns = one(opts, "--netns", "");
        List<String> tos = opts.getOrDefault("--to", List.of());
        if (tos.isEmpty()) {
            throw new IllegalArgumentException("--to ADDRESS:PORT is required");
        }
        int rate = number(opts, "--rate", null);
        int count = number(opts, "--count", null);
        int size = number(opts, "--size", 64);
        List<StreamSender.Target> targets = new ArrayList<>();
        for (String to : tos) {
            InetSocketAddress addr = Udp.parse(to);
            targets.add(new StreamSender.Target(Udp.open(netns, 0), addr, addr.getPort()));
        }
        try (StreamSender sender = new StreamSender(targets, rate, count, size)) {
            sender.start();
            sender.await(count * 1000L / rate + 10_000);
            out.printf("sent %d datagrams (%d streams x %d at %d/s), %d failed%n",
                    sender.sent(), targets.size(), count, rate, sender.failed());
            return sender.failed() == 0 ? 0 : 1;
        }
    }

    private static int recv(Map<String, List<String>> opts, PrintStream out) throws Exception {
        allow(opts, "--port", "--rate", "--count", "--timeout", "--stall-ms", "--netns");
        String netns = one(opts, "--netns", "");
        int port = number(opts, "--port", null);
        int rate = number(opts, "--rate", null);
        int count = number(opts, "--count", null);
        if (rate < 1) {
            throw new IllegalArgumentException("--rate must be at least 1");
        }
        int timeout = number(opts, "--timeout", count / rate + 10);
        int stallMs = number(opts, "--stall-ms", 1);
        long period = 1_000_000_000L / rate;
        StreamReceiver receiver = new StreamReceiver(Udp.open(netns, port), port, count).start();
        out.printf("receiving stream %d on UDP port %d%s%n", port, port, netns.isEmpty() ? "" : " in " + netns);
        out.flush();
        receiver.awaitEnd(2_000, timeout * 1000L);
        StreamReport report = receiver.stopAndReport(period, stallMs * 1_000_000L);
        print(report, out);
        return report.lost() == 0 ? 0 : 1;
    }

    static void print(StreamReport report, PrintStream out) {
        out.println(report.summary());
        int n = 1;
        for (StreamReport.Gap gap : report.gaps()) {
            out.println("  gap " + n++ + ": " + gap);
        }
    }

    private static Map<String, List<String>> options(String[] args) {
        Map<String, List<String>> opts = new HashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected '" + args[i] + "'");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            opts.computeIfAbsent(args[i], k -> new ArrayList<>()).add(args[i + 1]);
        }
        return opts;
    }

    private static void allow(Map<String, List<String>> opts, String... known) {
        for (String key : opts.keySet()) {
            if (!List.of(known).contains(key)) {
                throw new IllegalArgumentException("unknown option " + key + " (" + String.join(", ", known) + ")");
            }
        }
    }

    private static String one(Map<String, List<String>> opts, String key, String dflt) {
        List<String> values = opts.get(key);
        if (values == null) {
            if (dflt == null) {
                throw new IllegalArgumentException(key + " is required");
            }
            return dflt;
        }
        if (values.size() > 1) {
            throw new IllegalArgumentException(key + " given more than once");
        }
        return values.get(0);
    }

    private static int number(Map<String, List<String>> opts, String key, Integer dflt) {
        String text = one(opts, key, dflt == null ? null : String.valueOf(dflt));
        try {
            int n = Integer.parseInt(text);
            if (n < 0) {
                throw new IllegalArgumentException(key + " " + text + " must not be negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " '" + text + "' is not a number");
        }
    }
}

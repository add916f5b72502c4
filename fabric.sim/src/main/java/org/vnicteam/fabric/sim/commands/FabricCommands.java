package org.vnicteam.fabric.sim.commands;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.vnicteam.api.fabric.FabricControl;
import org.vnicteam.api.fabric.FabricStatus;
import org.vnicteam.api.fabric.FabricStatus.LinkStatus;
import org.vnicteam.api.fabric.FabricStatus.NodeStatus;

/**
 * Gogo commands of scope {@code fabric}: status, link cut/restore/impairment and capture of the
 * InfiniBand fabric, through {@link FabricControl}. Results are the api's DTOs (and
 * {@link CaptureInfo}); {@link FabricConverter} renders them for a person. Bad arguments fail with
 * an {@link IllegalArgumentException} that says what is allowed.
 *
 * <p>Registered only as a Gogo command service (no API of its own). Immediate: it holds the running
 * captures from one command to the next.
 */
// The mandatory reference to Gogo's command processor keeps SCR from loading this class (and
// failing on the optional Gogo import) in a framework without a console.
@Component(reference = @org.osgi.service.component.annotations.Reference(name = "gogo",
        service = org.apache.felix.service.command.CommandProcessor.class), service = FabricCommands.class, immediate = true, property = {
        "osgi.command.scope=fabric",
        "osgi.command.function=status",
        "osgi.command.function=cut",
        "osgi.command.function=restore",
        "osgi.command.function=impair",
        "osgi.command.function=capture",
        "osgi.command.function=stopcapture",
        "osgi.command.function=captures" })
public final class FabricCommands {

    private final FabricControl fabric;
    private final Map<String, Running> captures = new LinkedHashMap<>();

    private record Running(String node, int port, FabricControl.Capture capture) {
    }

    @Activate
    public FabricCommands(@Reference FabricControl fabric) {
        this.fabric = fabric;
    }

    @Deactivate
    synchronized void deactivate() {
        for (Running r : captures.values()) {
            try {
                r.capture().close();
            } catch (IOException e) {
                // the fabric is going away; the file keeps what was written
            }
        }
        captures.clear();
    }

    @Descriptor("show the fabric: nodes with their ports (LID, state, peer, link), links (state, MTU, "
            + "impairments, packets) and per-node counters")
    public FabricStatus status() {
        return fabric.status();
    }

    @Descriptor("cut a link, both directions; the subnet manager routes around it at once")
    public LinkStatus cut(@Descriptor("LINK: a link's name (fabric:status lists them)") String link) {
        String name = checkLink(link);
        fabric.setLinkUp(name, false);
        return fabric.link(name);
    }

    @Descriptor("restore a cut link; the subnet manager routes over it again")
    public LinkStatus restore(@Descriptor("LINK: a link's name (fabric:status lists them)") String link) {
        String name = checkLink(link);
        fabric.setLinkUp(name, true);
        return fabric.link(name);
    }

    @Descriptor("impair a link, both directions: drop packets and flip bits at random (impair LINK 0 0 clears)")
    public LinkStatus impair(
            @Descriptor("LINK: a link's name (fabric:status lists them)") String link,
            @Descriptor("LOSS: packet loss probability, 0 <= LOSS < 1, e.g. 0.01") String loss,
            @Descriptor("BER: bit-error rate, per bit, 0 <= BER < 1, e.g. 1e-7") String ber) {
        String name = checkLink(link);
        double lossRate = probability("LOSS", loss);
        double bitErrorRate = probability("BER", ber);
        fabric.setLinkImpairment(name, lossRate, bitErrorRate);
        return fabric.link(name);
    }

    @Descriptor("capture every packet sent or received at a node's port into a pcap file (Wireshark: "
            + "link type 147, dissector infiniband; see docs/fabric.md)")
    public synchronized CaptureInfo capture(CommandSession session,
            @Descriptor("NODE: a node's name (fabric:status lists them)") String node,
            @Descriptor("PORT: port number, 1..number of ports of the node") String port,
            @Descriptor("FILE: pcap file to write (relative: to the console's current directory); replaced if it exists")
            String file) {
        int number = checkPort(node, port);
        String key = node + ":" + number;
        Running running = captures.get(key);
        if (running != null) {
            throw new IllegalArgumentException(key + " is already being captured into " + running.capture().file()
                    + "; fabric:stopcapture " + node + " " + number + " first");
        }
        Path path = resolve(session, file);
        try {
            FabricControl.Capture c = fabric.capture(node, number, path);
            captures.put(key, new Running(node, number, c));
            return new CaptureInfo(node, number, c.file().toString(), c.packets(), true);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    @Descriptor("stop the capture of a node's port and close its file")
    public synchronized CaptureInfo stopcapture(
            @Descriptor("NODE: a node's name") String node,
            @Descriptor("PORT: its port number") String port) {
        int number = checkPort(node, port);
        String key = node + ":" + number;
        Running running = captures.remove(key);
        if (running == null) {
            throw new IllegalArgumentException("no capture at " + key + "; running: "
                    + (captures.isEmpty() ? "none" : String.join(", ", captures.keySet())));
        }
        return close(running);
    }

    @Descriptor("stop every running capture and close their files")
    public synchronized List<CaptureInfo> stopcapture() {
        List<CaptureInfo> stopped = new ArrayList<>();
        for (Running r : captures.values()) {
            stopped.add(close(r));
        }
        captures.clear();
        return stopped;
    }

    @Descriptor("list the running captures")
    public synchronized List<CaptureInfo> captures() {
        return captures.values().stream()
                .map(r -> new CaptureInfo(r.node(), r.port(), r.capture().file().toString(), r.capture().packets(), true))
                .collect(Collectors.toList());
    }

    private static CaptureInfo close(Running r) {
        long packets = r.capture().packets();
        try {
            r.capture().close();
        } catch (IOException e) {
            throw new IllegalStateException("closing " + r.capture().file() + ": " + e.getMessage(), e);
        }
        return new CaptureInfo(r.node(), r.port(), r.capture().file().toString(), Math.max(packets,
                r.capture().packets()), false);
    }

    /**
     * The link's name if there is such a link. Reads that link alone: a console cut must not take a
     * snapshot of the whole fabric on the fabric's thread right before (or after) the fail-over it
     * causes; the list of links is read only to say what there is when the name is wrong.
     */
    private String checkLink(String link) {
        try {
            fabric.link(link);
            return link;
        } catch (IllegalArgumentException e) {
            List<String> names = fabric.status().links().stream().map(LinkStatus::name).toList();
            throw new IllegalArgumentException("unknown link '" + link + "'; links: " + String.join(", ", names), e);
        }
    }

    /** The port number, or an exception naming the nodes or the node's ports. */
    private int checkPort(String node, String port) {
        FabricStatus status = fabric.status();
        NodeStatus n = status.nodes().stream().filter(x -> x.name().equals(node)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("unknown node '" + node + "'; nodes: "
                        + status.nodes().stream().map(NodeStatus::name).collect(Collectors.joining(", "))));
        int count = n.ports().size();
        int number;
        try {
            number = Integer.parseInt(port.strip());
        } catch (NumberFormatException e) {
            number = -1;
        }
        if (number < 1 || number > count) {
            throw new IllegalArgumentException("PORT '" + port + "': " + node + " has port"
                    + (count == 1 ? " 1" : "s 1.." + count));
        }
        return number;
    }

    private static double probability(String what, String value) {
        double p;
        try {
            p = Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + value + "' is not a number; 0 <= " + what + " < 1");
        }
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException(what + " " + value + " is out of range; 0 <= " + what + " < 1");
        }
        return p;
    }

    private static Path resolve(CommandSession session, String file) {
        Path path = Path.of(file);
        if (!path.isAbsolute() && session != null && session.currentDir() != null) {
            path = session.currentDir().resolve(path);
        }
        return path.toAbsolutePath().normalize();
    }
}

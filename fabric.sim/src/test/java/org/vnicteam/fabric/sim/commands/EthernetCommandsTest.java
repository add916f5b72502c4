package org.vnicteam.fabric.sim.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.apache.felix.service.command.Descriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.vnicteam.fabric.sim.ethernet.EthernetSegment;
import org.vnicteam.fabric.sim.ethernet.EthernetSegmentControl;
import org.vnicteam.fabric.sim.ethernet.PingResult;
import org.vnicteam.fabric.sim.ethernet.SegmentStatus.PortStatus;
import org.vnicteam.fabric.sim.ethernet.StreamStats;
import org.vnicteam.fabric.sim.ethernet.TxStreamStatus;

/** The ethernet commands on the default (FIG. 5) segment outside a framework. */
class EthernetCommandsTest {

    final EthernetSegment segment = EthernetSegment.createDefault("cmdtest");
    final EthernetCommands commands = new EthernetCommands(segment);

    @AfterEach
    void tearDown() {
        segment.close();
    }

    static void fails(String message, Executable command) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, command).getMessage());
    }

    @Test
    void givenBadArguments_whenCommandsRun_thenEachMessageSaysWhatIsAllowed() {
        String ports = "ports: p1 (bridgeA-eth), p2 (bridgeB-eth), p3 (client1), p4 (client2), p5 (client3), p6 (client4)";
        fails("unknown port 'p9'; " + ports, () -> commands.cut("p9"));
        fails("unknown port 'bridgeC-eth'; " + ports, () -> commands.restore("bridgeC-eth"));
        String clients = "clients: client1, client2, client3, client4";
        fails("unknown client 'client9'; " + clients, () -> commands.ping("client9", "198.18.1.12"));
        fails("unknown client 'server'; " + clients, () -> commands.streams("server"));
        fails("IP '198.18.1' is not an IPv4 address A.B.C.D", () -> commands.ping("client1", "198.18.1"));
        fails("COUNT 'many' is not a whole number; 1 <= COUNT <= 100", () -> commands.ping("client1", "198.18.1.12", "many"));
        fails("COUNT 0 is out of range; 1 <= COUNT <= 100", () -> commands.ping("client1", "198.18.1.12", "0"));
        fails("DST_IP 'client2' is not an IPv4 address A.B.C.D",
                () -> commands.stream("client1", "client2", "5001", "100", "10"));
        fails("DST_PORT 0 is out of range; 1 <= DST_PORT <= 65535",
                () -> commands.stream("client1", "198.18.1.12", "0", "100", "10"));
        fails("RATE 'fast' is not a number; 0 < RATE <= 1e7 datagrams/s",
                () -> commands.stream("client1", "198.18.1.12", "5001", "fast", "10"));
        fails("RATE 0 is out of range; 0 < RATE <= 1e7 datagrams/s",
                () -> commands.stream("client1", "198.18.1.12", "5001", "0", "10"));
        fails("COUNT 0 is out of range; 1 <= COUNT <= 1000000000",
                () -> commands.stream("client1", "198.18.1.12", "5001", "100", "0"));
        fails("SIZE 10 is out of range; 24 <= SIZE <= 1472",
                () -> commands.stream("client1", "198.18.1.12", "5001", "100", "10", "10"));
        fails("ID '1': client1 sends no streams", () -> commands.stopstream("client1", "1"));
        assertTrue(segment.hostNames().stream().allMatch(h -> segment.host(h).txStreams().isEmpty()), "nothing started");
    }

    @Test
    void givenABridgePort_whenCutAndRestoredByWhatIsCabledToIt_thenItsLinkGoesDownAndUp() {
        PortStatus cut = commands.cut("bridgeA-eth");
        assertEquals("p1", cut.name());
        assertFalse(cut.up());
        assertFalse(segment.bridgePort("bridgeA-eth").carrier());
        assertTrue(commands.status().port("p2").up(), "bridge B's port untouched");
        assertTrue(EthernetText.ports(List.of(cut)).lines().skip(1).findFirst().orElseThrow()
                .matches("p1\\s+trunk\\s+1,2\\s+DOWN\\s+bridgeA-eth \\(bridge\\).*"));
        PortStatus restored = commands.restore("p1");
        assertTrue(restored.up());
        assertTrue(segment.bridgePort("bridgeA-eth").carrier());
    }

    /**
     * The simulated clients live on the segment's thread: a whole-segment snapshot there stops their
     * streams while it is taken (7-11 ms the first time, on the 2-core build machine), a gap that a
     * console cut would add to the fail-over it causes. A port change reads that port alone.
     */
    @Test
    void givenPortChangesFromTheConsole_thenNoWholeSegmentSnapshotIsTaken() {
        AtomicInteger snapshots = new AtomicInteger();
        EthernetCommands console = new EthernetCommands(
                Counting.calls(EthernetSegmentControl.class, segment, "status", snapshots));
        assertFalse(console.cut("bridgeA-eth").up());
        assertTrue(console.restore("p1").up());
        assertFalse(console.detach("p1").attached());
        assertTrue(console.attach("bridgeA-eth").attached());
        assertEquals(List.of(2), console.dropvlan("p1", "1").vids());
        assertEquals(List.of(1, 2), console.restorevlan("bridgeA-eth", "1").vids());
        assertEquals(0, snapshots.get(), "whole-segment snapshots taken");
    }

    @Test
    void givenABridgePort_whenDetachedAndAttached_orAVlanDroppedAndRestored_thenTheTableShowsItAndCarrierStays() {
        PortStatus removed = commands.detach("bridgeA-eth");
        assertFalse(removed.attached());
        assertTrue(segment.bridgePort("bridgeA-eth").carrier());
        assertTrue(EthernetText.ports(List.of(removed)).lines().skip(1).findFirst().orElseThrow()
                .matches("p1\\s+trunk\\s+1,2\\s+up REMOVED\\s+bridgeA-eth \\(bridge\\).*"));
        assertTrue(commands.attach("p1").attached());

        PortStatus dropped = commands.dropvlan("bridgeB-eth", "1");
        assertEquals(List.of(2), dropped.vids());
        assertTrue(EthernetText.ports(List.of(dropped)).lines().skip(1).findFirst().orElseThrow()
                .matches("p2\\s+trunk\\s+2 \\(1 dropped\\)\\s+up\\s+bridgeB-eth \\(bridge\\).*"));
        assertEquals(List.of(1, 2), commands.restorevlan("p2", "1").vids());

        fails("VID 'one' is not a whole number; 1 <= VID <= 4094", () -> commands.dropvlan("p1", "one"));
        fails("trunk p1 is not configured with VLAN 7 (VLANs [1, 2])", () -> commands.dropvlan("p1", "7"));
        fails("unknown port 'p9'; ports: p1 (bridgeA-eth), p2 (bridgeB-eth), p3 (client1), p4 (client2), p5 (client3), "
                + "p6 (client4)", () -> commands.detach("p9"));
    }

    @Test
    void givenClientsOnVlans_whenPinged_thenTheSameVlanAnswersAndAnotherSaysWhyNot() {
        PingResult ok = commands.ping("client1", "198.18.1.12", "2");
        assertEquals(2, ok.received());
        assertTrue(EthernetText.ping(ok).startsWith("ping 198.18.1.12: 2 sent, 2 received, 0 lost; rtt min/avg/max "));

        IllegalStateException other = assertThrows(IllegalStateException.class,
                () -> commands.ping("client1", "198.18.2.13", "1"));
        assertEquals("ping 198.18.2.13 from client1: 1 sent, 0 received; 198.18.2.13 (client3 on VLAN 2) is outside "
                + "client1's subnet 198.18.1.0/24 on VLAN 1: client1 has no route to it", other.getMessage());
    }

    @Test
    void givenAnAddressNobodyHas_whenPinged_thenItSaysNoArpReply() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> commands.ping("client3", "198.18.2.99", "1"));
        assertTrue(e.getMessage().startsWith("ping 198.18.2.99 from client3: 1 sent, 0 received; no ARP reply from "
                + "198.18.2.99 (no simulated client has that address"), e.getMessage());
    }

    @Test
    void givenAStream_whenItRuns_thenStreamsShowsItSentAndReceivedAndStopstreamStopsAnother() throws Exception {
        assertEquals("no streams at client4 (ethernet:stream CLIENT DST_IP DST_PORT RATE COUNT starts one)\n",
                EthernetText.streams(commands.streams("client4")));
        ClientStream s = commands.stream("client1", "198.18.1.12", "5001", "2000", "20");
        assertEquals(1, s.id());
        assertTrue(EthernetText.clientStream(s).startsWith("stream 1: client1 -> 198.18.1.12:5001, 2000 datagrams/s, "));
        long deadline = System.nanoTime() + 5_000_000_000L;
        StreamStats rx;
        do {
            Thread.sleep(10);
            StreamReport.Client c = commands.streams("client2").client("client2");
            rx = c.received().isEmpty() ? null : c.received().get(0);
        } while ((rx == null || rx.received() < 20) && System.nanoTime() < deadline);
        assertNotNull(rx);
        assertEquals(20, rx.received());
        assertEquals(0, rx.lost());
        assertEquals(0, rx.duplicates());

        ClientStream slow = commands.stream("client3", "198.18.2.14", "5001", "10", "1000000");
        ClientStream stopped = commands.stopstream("client3", String.valueOf(slow.id()));
        assertEquals(TxStreamStatus.State.STOPPED, stopped.stream().state());
        fails("ID '7': client3 has streams 1", () -> commands.stopstream("client3", "7"));

        String text = EthernetText.streams(commands.streams());
        assertTrue(text.lines().anyMatch(l -> l.matches("client1\\s+1\\s+198\\.18\\.1\\.12:5001\\s+2000\\s+20\\s+20\\s+done")), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("client2\\s+198\\.18\\.1\\.11:\\d+\\s+1\\s+5001\\s+20\\s+0\\s+0\\s+0\\s+0\\s.*")),
                text);
    }

    @Test
    void givenTheSegment_whenStatusIsRendered_thenPortsCountersClientsAndFdb() {
        commands.ping("client1", "198.18.1.12", "1");
        String text = (String) new EthernetConverter().format(commands.status(), Converter.INSPECT, null).toString();
        assertTrue(text.startsWith("ethernet segment cmdtest: 6 ports (6 up), 4 clients, 2 FDB entries;"), text);
        for (String header : new String[] { "PORT ", "COUNTERS ", "CLIENT ", "FDB-VLAN " }) {
            assertTrue(text.lines().anyMatch(l -> l.startsWith(header)), header + " in " + text);
        }
        assertTrue(text.lines().anyMatch(l -> l.matches("client3\\s+198\\.18\\.2\\.13/24\\s+02:00:c6:12:02:0d\\s+p5\\s+2\\s.*")),
                text);
        assertTrue(text.lines().anyMatch(l -> l.matches("1\\s+02:00:c6:12:01:0b\\s+p3\\s.*")), text);
    }

    @Test
    void everyCommandAndParameterHasADescriptor() {
        assertDescribed(EthernetCommands.class);
        assertDescribed(FabricCommands.class);
    }

    /** Every function the component registers (from the description bnd generated) and each parameter is described. */
    static void assertDescribed(Class<?> commands) {
        String resource = "/OSGI-INF/" + commands.getName() + ".xml";
        List<String> functions;
        try (InputStream in = commands.getResourceAsStream(resource)) {
            assertNotNull(in, resource + " (bnd-process writes it into target/classes)");
            Matcher m = Pattern.compile("name=\"osgi.command.function\"[^>]*>([^<]*)<")
                    .matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            assertTrue(m.find(), resource);
            functions = Arrays.stream(m.group(1).split("\\s+")).filter(x -> !x.isEmpty()).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        for (String f : functions) {
            List<Method> methods = Arrays.stream(commands.getMethods()).filter(m -> m.getName().equals(f)).toList();
            assertFalse(methods.isEmpty(), "no public method " + f);
            for (Method m : methods) {
                assertNotNull(m.getAnnotation(Descriptor.class), m + " has no @Descriptor");
                for (Parameter p : m.getParameters()) {
                    if (p.getType() != CommandSession.class) {
                        assertNotNull(p.getAnnotation(Descriptor.class), m + ": parameter " + p + " has no @Descriptor");
                    }
                }
            }
        }
    }
}

package org.vnicteam.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.vnicteam.testbed.SwitchTrace.Frame;
import org.vnicteam.testbed.SwitchTrace.Move;

class SwitchTraceTest {

    private static final String MAC = "02:76:6e:00:00:01";

    @Test
    void givenTsharkFields_whenParsed_thenStreamAndServerFramesAreTold() {
        String fields = """
                Running as user "root" and group "root". This could be dangerous.
                100.000100\tswA\t22:bf:05:48:a5:f0\t5301
                100.000200\tswB\t02:76:6e:00:00:01\t
                100.000300\tswB\t22:bf:05:48:a5:f0\t5302
                100.000400\tc1\t02:76:6e:00:00:01\t5311
                not a frame
                """;
        List<Frame> frames = SwitchTrace.parse(fields, MAC, 5301, 5311);
        assertEquals(List.of(new Frame(100.0001, "swA", true, false, false), new Frame(100.0002, "swB", false, false, true),
                new Frame(100.0003, "swB", false, false, false), new Frame(100.0004, "c1", false, true, true)), frames);
    }

    @Test
    void givenACut_whenMoved_thenTheSystemSpanEndsAtTheServersFirstFrameAndTheSwitchSpanAtTheFirstStreamFrame() {
        List<Frame> frames = List.of(
                up(10.0000, "swA"),
                up(10.0002, "swA"), // the old port's last: the cut
                server(10.0030, "swB"), // the backup's learning frame, 2.8 ms later
                up(10.0045, "swB"), // the switch has moved the MAC, 1.5 ms later
                up(10.0047, "swB"),
                up(10.5000, "swA")); // after the restoration: not looked at
        Move m = SwitchTrace.clientToServer(frames, "swA", "swB", 10.0001, 10.3).orElseThrow();
        assertEquals(2.8, m.systemMillis(), 1e-6);
        assertEquals(1.5, m.switchMillis(), 1e-6);
        assertEquals(4.3, m.totalMillis(), 1e-6);
    }

    @Test
    void givenTheStreamOnTheNewPortBeforeAnyServerFrame_whenMoved_thenTheSwitchSpanIsZero() {
        List<Frame> frames = List.of(up(5.000, "sbA"), up(5.002, "sbB"), server(5.003, "sbB"));
        Move m = SwitchTrace.clientToServer(frames, "sbA", "sbB", 4.9, 5.3).orElseThrow();
        assertEquals(2.0, m.systemMillis(), 1e-6);
        assertEquals(0, m.switchMillis());
    }

    @Test
    void givenNoStreamOnTheNewPort_whenMoved_thenNoFigure() {
        List<Frame> frames = List.of(up(5.000, "swA"), server(5.003, "swB"));
        assertTrue(SwitchTrace.clientToServer(frames, "swA", "swB", 4.9, 5.3).isEmpty());
        assertTrue(SwitchTrace.clientToServer(List.of(), "swA", "swB", 4.9, 5.3).isEmpty());
    }

    @Test
    void givenACut_whenTheServersFramesMove_thenTheSystemSpanEndsAtTheNewPortAndTheSwitchSpanAtTheClientsPort() {
        List<Frame> frames = List.of(
                down(20.0000, "swA"), down(20.0001, "c1"),
                down(20.0010, "swA"), down(20.0011, "c1"), // the old port's last
                down(20.0030, "swB"), // the backup's first (a replayed frame), 2 ms later
                down(20.0042, "c1"), // out to the client 1.2 ms after: the switch set up the new flow
                down(20.0050, "swB"), down(20.0051, "c1"));
        Move m = SwitchTrace.serverToClient(frames, "swA", "swB", "c1", 20.0005, 20.3).orElseThrow();
        assertEquals(2.0, m.systemMillis(), 1e-6);
        assertEquals(1.2, m.switchMillis(), 1e-6);
        assertTrue(SwitchTrace.serverToClient(frames.subList(0, 4), "swA", "swB", "c1", 20.0005, 20.3).isEmpty(),
                "nothing on the new port: no figure");
    }

    static Frame up(double t, String port) {
        return new Frame(t, port, true, false, false);
    }

    static Frame down(double t, String port) {
        return new Frame(t, port, false, true, true);
    }

    static Frame server(double t, String port) {
        return new Frame(t, port, false, false, true);
    }

    @Test
    void givenMillis_whenSpread_thenMinMedianMax() {
        assertEquals("1.00 / 2.50 / 4.00", SwitchTrace.spread(new double[] {4, 1, 2, 3}));
        assertEquals("—", SwitchTrace.spread(new double[0]));
    }
}

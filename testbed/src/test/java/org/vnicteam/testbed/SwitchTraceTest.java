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
                not a frame
                """;
        List<Frame> frames = SwitchTrace.parse(fields, MAC, 5301);
        assertEquals(List.of(new Frame(100.0001, "swA", true, false), new Frame(100.0002, "swB", false, true),
                new Frame(100.0003, "swB", false, false)), frames);
    }

    @Test
    void givenACut_whenMoved_thenTheSystemSpanEndsAtTheServersFirstFrameAndTheSwitchSpanAtTheFirstStreamFrame() {
        List<Frame> frames = List.of(
                new Frame(10.0000, "swA", true, false),
                new Frame(10.0002, "swA", true, false), // the old port's last: the cut
                new Frame(10.0030, "swB", false, true), // the backup's learning frame, 2.8 ms later
                new Frame(10.0045, "swB", true, false), // the switch has moved the MAC, 1.5 ms later
                new Frame(10.0047, "swB", true, false),
                new Frame(10.5000, "swA", true, false)); // after the restoration: not looked at
        Move m = SwitchTrace.move(frames, "swA", "swB", 10.0001, 10.3).orElseThrow();
        assertEquals(2.8, m.systemMillis(), 1e-6);
        assertEquals(1.5, m.switchMillis(), 1e-6);
        assertEquals(4.3, m.totalMillis(), 1e-6);
    }

    @Test
    void givenTheStreamOnTheNewPortBeforeAnyServerFrame_whenMoved_thenTheSwitchSpanIsZero() {
        List<Frame> frames = List.of(new Frame(5.000, "sbA", true, false), new Frame(5.002, "sbB", true, false),
                new Frame(5.003, "sbB", false, true));
        Move m = SwitchTrace.move(frames, "sbA", "sbB", 4.9, 5.3).orElseThrow();
        assertEquals(2.0, m.systemMillis(), 1e-6);
        assertEquals(0, m.switchMillis());
    }

    @Test
    void givenNoStreamOnTheNewPort_whenMoved_thenNoFigure() {
        List<Frame> frames = List.of(new Frame(5.000, "swA", true, false), new Frame(5.003, "swB", false, true));
        assertTrue(SwitchTrace.move(frames, "swA", "swB", 4.9, 5.3).isEmpty());
        assertTrue(SwitchTrace.move(List.of(), "swA", "swB", 4.9, 5.3).isEmpty());
    }

    @Test
    void givenMillis_whenSpread_thenMinMedianMax() {
        assertEquals("1.00 / 2.50 / 4.00", SwitchTrace.spread(new double[] {4, 1, 2, 3}));
        assertEquals("—", SwitchTrace.spread(new double[0]));
    }
}

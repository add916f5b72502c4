package org.vnicteam.fabric.sim.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vnicteam.api.fabric.FabricControl;
import org.vnicteam.fabric.sim.internal.SimFabric;
import org.vnicteam.fabric.sim.internal.TopologySpec;

/** The fabric commands that change a link, on the default two-switch fabric outside a framework. */
class FabricCommandsTest {

    final SimFabric fabric = new SimFabric("cmdtest", TopologySpec.defaultTwoSwitch(), 1);

    @AfterEach
    void close() {
        fabric.close();
    }

    /**
     * A whole-fabric snapshot runs on the fabric's thread, where the fail-over a console cut causes
     * runs too: taken right before or after the cut, it would hold that fail-over up. A link command
     * reads its link alone.
     */
    @Test
    void givenLinkChangesFromTheConsole_thenNoWholeFabricSnapshotIsTaken() {
        String link = aLinkThatIsUp();
        AtomicInteger snapshots = new AtomicInteger();
        FabricCommands console = new FabricCommands(Counting.calls(FabricControl.class, fabric, "status", snapshots));
        assertFalse(console.cut(link).up());
        assertTrue(console.restore(link).up());
        assertEquals(0.01, console.impair(link, "0.01", "0").lossRate());
        assertEquals(0, snapshots.get(), "whole-fabric snapshots taken");
    }

    /** A link between two switches (a CA's links come up only when its HCA opens). */
    private String aLinkThatIsUp() {
        return fabric.status().links().stream().filter(l -> l.up()).findFirst().orElseThrow().name();
    }

    @Test
    void givenAnUnknownLink_thenTheErrorNamesTheLinksThereAre() {
        FabricCommands console = new FabricCommands(fabric);
        String known = aLinkThatIsUp();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> console.cut("nolink"));
        assertTrue(e.getMessage().contains("unknown link 'nolink'") && e.getMessage().contains(known), e.getMessage());
        assertTrue(fabric.link(known).up(), "nothing was cut");
    }
}

package org.vnicteam.host.driver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vnicteam.api.host.FailbackPolicy;
import org.vnicteam.api.host.LinkState;
import org.vnicteam.api.host.VnicEvent.Watcher;

/**
 * The runner's decisions, table-driven: events in, active member out (after every event).
 *
 * <p>Steps: {@code +A:200} A joins with priority 200 ({@code +A:200s} sticky); {@code A^} all of
 * A's watchers report up; {@code Av} A's bridge link goes down (LINK_STATUS); {@code A!} A's
 * session is lost (keep-alive); {@code Af} A's fabric path is lost; {@code A~} A's bridge reports
 * its Ethernet path lost (probes), {@code A=} back; {@code -A} A leaves; {@code t50} 50 ms pass.
 * Expected: the active member after each step, "-" for none.
 */
class TeamMachineTest {

    private static final long MS = 1_000_000L;

    @ParameterizedTest(name = "[{index}] {0} up={1}ms down={2}ms primary={3}: {4}")
    @CsvSource(delimiter = '|', textBlock = """
            # policy | up | down | primary | steps                                      | active after each step
            # --- the seed's fail-over (FIG. 4, 6): A fails, B takes over, A comes back as backup
            NONE    | 0   | 0  |   | +A:200 A^ +B:100 B^ Av A^                          | - A A A B B
            # a member fails by keep-alive loss or fabric loss just the same
            NONE    | 0   | 0  |   | +A:200 A^ +B:100 B^ A! A^                          | - A A A B B
            NONE    | 0   | 0  |   | +A:200 A^ +B:100 B^ Af A^                          | - A A A B B
            # fail-back to the primary (the highest priority by default)
            PRIMARY | 0   | 0  |   | +A:200 A^ +B:100 B^ Av A^                          | - A A A B A
            # fail-back to a named primary, whatever the priorities
            PRIMARY | 0   | 0  | B | +A:200 A^ +B:100 B^                                | - A A B
            # better: to any member of higher priority than the active one
            BETTER  | 0   | 0  |   | +C:50 C^ +B:100 B^ +A:200 A^                       | - C C B B A
            # primary: only to the primary, not to a merely better member
            PRIMARY | 0   | 0  | A | +C:50 C^ +B:100 B^                                 | - C C C
            # sticky active member keeps the job even under fail-back
            PRIMARY | 0   | 0  |   | +B:100s B^ +A:200 A^                               | - B B B
            # N members: the best remaining one takes over, in priority order
            NONE    | 0   | 0  |   | +A:300 A^ +B:200 B^ +C:100 C^ Av Bv Av             | - A A A A A B C C
            # every member down: no active member (media disconnected), the first back takes over
            NONE    | 0   | 0  |   | +A:200 A^ +B:100 B^ Av Bv B^ A^                    | - A A A B - B B
            # a member leaving is a failure when it was active
            NONE    | 0   | 0  |   | +A:200 A^ +B:100 B^ -A +A:200 A^                   | - A A A B B B
            # ties: the member that joined first
            NONE    | 0   | 0  |   | +B:100 +A:100 A^ B^                                | - - A A
            # up delay: B comes back but counts only after 100 ms (fail-back primary)
            PRIMARY | 100 | 0  |   | +A:200 A^ +B:100 B^ t100 Av t1 A^ t50 t50          | - A A A A B B B B A
            # up delay, flapping: back and down again within the delay changes nothing
            PRIMARY | 100 | 0  |   | +A:200 A^ +B:100 B^ t100 Av A^ t50 Av A^ t50 t50   | - A A A A B B B B B B A
            # up delay, but no member usable: the one coming back is taken at once (bonding)
            NONE    | 100 | 0  |   | +A:200 A^ t100 Av A^                               | - A A - A
            # down delay: a short loss inside the delay is ridden out
            NONE    | 0   | 50 |   | +A:200 A^ +B:100 B^ Av t20 A^ t100                 | - A A A A A A A
            # down delay: a real loss moves when the delay is over
            NONE    | 0   | 50 |   | +A:200 A^ +B:100 B^ Av t20 t30                     | - A A A A A B
            """)
    void givenEvents_thenTheActiveMemberIsAsTabled(FailbackPolicy policy, long upMs, long downMs, String primary,
            String steps, String expected) {
        run(new TeamMachine.Settings(policy, primary == null ? "" : primary, upMs * MS, downMs * MS), steps, expected);
    }

    @ParameterizedTest(name = "[{index}] {0} up={1}ms path down={2}ms: {3}")
    @CsvSource(delimiter = '|', textBlock = """
            # policy | up  | path down | steps                                            | active after each step
            # a degraded active member (path lost) fails over at once to a fully-up backup
            NONE    | 0   | 0 | +A:200 A^ +B:100 B^ A~                                     | - A A A B
            # ... even a sticky one: sticky holds against fail-back, not against a failure
            NONE    | 0   | 0 | +A:200s A^ +B:100 B^ A~                                    | - A A A B
            # a degraded backup changes nothing; then both degraded: the team stays where it is
            NONE    | 0   | 0 | +A:200 A^ +B:100 B^ B~ A~                                  | - A A A A A
            # both lose each other within the path down delay, in any order: the team stays
            NONE    | 0   | 5 | +A:200 A^ +B:100 B^ A~ t2 B~ t5 t5                         | - A A A A A A A A
            # the path down delay: the active member's path counts as lost when it is over
            NONE    | 0   | 5 | +A:200 A^ +B:100 B^ A~ t4 t1                               | - A A A A A B
            # ... and a loss shorter than the delay is ridden out
            NONE    | 0   | 5 | +A:200 A^ +B:100 B^ A~ t2 A= t10                           | - A A A A A A A
            # a path back waits for the up delay before it makes its member fully up (fail-back)
            PRIMARY | 100 | 0 | +A:200 A^ +B:100 B^ t100 A~ A= t50 t50                     | - A A A A B B B A
            # an active member whose path is coming back (up delay) is not left for one that came up meanwhile
            NONE    | 100 | 0 | +A:200 A^ +B:100 B^ t100 Av B~ A^ t10 B= t90 t10           | - A A A A B B B B B B B
            # the active member's path is lost while the other's is coming back: with no path down delay
            # (no damping asked for), the one heard again is taken at once, before its up delay ends
            NONE    | 100 | 0 | +A:200 A^ +B:100 B^ t100 B~ B= A~ t100                     | - A A A A A A B B
            # both lose each other (the active bridge's switch port went: its peer too hears nothing until
            # the switch floods the clients to it); the backup's path comes back, the active's does not:
            # once it has been back for four path down delays, the backup is taken, not after its up delay
            NONE    | 100 | 5 | +A:200 A^ +B:100 B^ t100 A~ B~ t5 B= t19 t1 t100             | - A A A A A A A A A B B
            # a stall: every path blinks and comes back within a few ms of the others: the team stays
            NONE    | 100 | 5 | +A:200 A^ +B:100 B^ t100 A~ B~ t5 B= t8 A= t20 t100          | - A A A A A A A A A A A A
            # the active's path only FAIL (within its path down delay), the other's back: no reason to move
            NONE    | 100 | 5 | +A:200 A^ +B:100 B^ t100 B~ t5 B= t10 A~ t2 A= t100          | - A A A A A A A A A A A A
            # the active member fails: a fully-up member before a degraded one of higher priority
            NONE    | 0   | 0 | +A:200 A^ +B:100 B^ +C:50 C^ B~ Av                         | - A A A A A A C
            # ... and with none fully up, the best degraded one rather than none
            NONE    | 0   | 0 | +A:200 A^ +B:100 B^ +C:50 C^ B~ C~ Av                      | - A A A A A A A B
            """)
    void givenPathReports_thenTheActiveMemberIsAsTabled(FailbackPolicy policy, long upMs, long pathDownMs,
            String steps, String expected) {
        run(new TeamMachine.Settings(policy, "", upMs * MS, 0, pathDownMs * MS), steps, expected);
    }

    private static void run(TeamMachine.Settings settings, String steps, String expected) {
        TeamMachine m = new TeamMachine(settings);
        long now = 1_000_000_000L;
        List<String> got = new ArrayList<>();
        for (String step : steps.trim().split("\\s+")) {
            TeamMachine.Outcome o;
            if (step.startsWith("+")) {
                String[] p = step.substring(1).split(":");
                boolean sticky = p[1].endsWith("s");
                o = m.add(p[0], Integer.parseInt(sticky ? p[1].substring(0, p[1].length() - 1) : p[1]), sticky, now);
            } else if (step.startsWith("-")) {
                o = m.remove(step.substring(1), now);
            } else if (step.startsWith("t")) {
                now += Long.parseLong(step.substring(1)) * MS;
                o = m.tick(now);
            } else {
                String name = step.substring(0, 1);
                o = switch (step.charAt(1)) {
                    case '^' -> {
                        m.report(name, Watcher.FABRIC, true, "test", now);
                        m.report(name, Watcher.SESSION, true, "test", now);
                        yield m.report(name, Watcher.BRIDGE_LINK, true, "test", now);
                    }
                    case 'v' -> m.report(name, Watcher.BRIDGE_LINK, false, "LINK_STATUS down", now);
                    case '!' -> m.report(name, Watcher.SESSION, false, "KEEPALIVE_LOST", now);
                    case 'f' -> m.report(name, Watcher.FABRIC, false, "PATH_LOST", now);
                    case '~' -> m.report(name, Watcher.PATH, false, "LINK_STATUS down, cause probes lost", now);
                    case '=' -> m.report(name, Watcher.PATH, true, "LINK_STATUS up, cause probes lost", now);
                    default -> throw new IllegalArgumentException(step);
                };
            }
            got.add(o.active() == null ? "-" : o.active());
        }
        assertEquals(expected.trim(), String.join(" ", got), "steps " + steps);
    }

    @Test
    void givenAFailure_thenTheOutcomeIsUnplannedWithTheTriggerAsCause_andAFailBackIsPlanned() {
        TeamMachine m = new TeamMachine(new TeamMachine.Settings(FailbackPolicy.PRIMARY, "", 0, 0));
        m.add("A", 200, false, 0);
        allUp(m, "A");
        m.add("B", 100, false, 0);
        allUp(m, "B");
        TeamMachine.Outcome down = m.report("A", Watcher.BRIDGE_LINK, false, "LINK_STATUS down, cause carrier", 1);
        assertTrue(down.activeChanged());
        assertFalse(down.planned(), "A failed: its unconfirmed frames must be replayed");
        assertTrue(down.cause().contains("A BRIDGE_LINK down (LINK_STATUS down, cause carrier)"), down.cause());
        assertEquals(List.of("LINK", "ACTIVE"), down.changes().stream().map(TeamMachine.Change::kind).toList(),
                "each state change once");
        TeamMachine.Outcome back = m.report("A", Watcher.BRIDGE_LINK, true, "LINK_STATUS up", 2);
        assertTrue(back.activeChanged());
        assertTrue(back.planned(), "B is healthy: nothing to replay");
        assertEquals(LinkState.UP, m.member("B").link);
    }

    @Test
    void givenAPathLostOnTheActiveMember_thenTheSwitchIsPlanned_loggedOnceAsPath_andCounted() {
        TeamMachine m = new TeamMachine(new TeamMachine.Settings(FailbackPolicy.NONE, "", 0, 0, 0));
        m.add("A", 200, false, 0);
        allUp(m, "A");
        m.add("B", 100, false, 0);
        allUp(m, "B");
        TeamMachine.Outcome lost = m.report("A", Watcher.PATH, false, "LINK_STATUS down, cause probes lost", 1);
        assertEquals("B", lost.active());
        assertTrue(lost.planned(), "A's bridge still puts frames on its wire: nothing to replay, no fence");
        assertEquals(List.of("PATH", "ACTIVE"), lost.changes().stream().map(TeamMachine.Change::kind).toList());
        assertTrue(lost.cause().contains("active member A lost its path"), lost.cause());
        assertEquals(LinkState.UP, m.member("A").link, "degraded, not failed");
        assertEquals(LinkState.DOWN, m.member("A").path);
        assertEquals(1, m.member("A").pathLostEvents);
    }

    @Test
    void givenARepeatedReport_thenNothingIsLoggedAgain() {
        TeamMachine m = new TeamMachine(new TeamMachine.Settings(FailbackPolicy.NONE, "", 0, 0));
        m.add("A", 1, false, 0);
        allUp(m, "A");
        TeamMachine.Outcome again = m.report("A", Watcher.BRIDGE_LINK, true, "keep-alive", 1);
        assertTrue(again.changes().isEmpty());
        assertFalse(again.activeChanged());
    }

    @Test
    void givenAnUpDelay_thenTheNextDeadlineIsWhenItEnds() {
        TeamMachine m = new TeamMachine(new TeamMachine.Settings(FailbackPolicy.NONE, "", 100 * MS, 0));
        m.add("A", 1, false, 0);
        allUp(m, "A"); // taken early: no other member
        m.add("B", 1, false, 0);
        m.report("B", Watcher.FABRIC, true, "t", 5 * MS);
        m.report("B", Watcher.SESSION, true, "t", 5 * MS);
        TeamMachine.Outcome o = m.report("B", Watcher.BRIDGE_LINK, true, "t", 5 * MS);
        assertEquals(105 * MS, o.nextDeadline());
        assertEquals(LinkState.BACK, m.member("B").link);
        assertEquals(Long.MAX_VALUE, m.tick(105 * MS).nextDeadline());
        assertEquals(LinkState.UP, m.member("B").link);
    }

    @Test
    void givenAStartupHold_whenTheBackupLogsInFirst_thenThePrimaryIsStillTheFirstChoice() {
        TeamMachine m = new TeamMachine(new TeamMachine.Settings(FailbackPolicy.NONE, "", 0, 0), 1000 * MS);
        m.add("B", 100, false, 0);
        m.add("A", 200, false, 0);
        allUp(m, "B"); // B logged in first; A, the primary, is still logging in
        assertEquals(null, m.active(), "nothing chosen while the primary may still come");
        TeamMachine.Outcome o = null;
        for (Watcher w : Watcher.values()) {
            o = m.report("A", w, true, "test", 20 * MS);
        }
        assertEquals("A", m.active(), "the primary came up within the hold");
        assertEquals(Long.MAX_VALUE, o.nextDeadline(), "no hold once chosen");
    }

    @Test
    void givenAStartupHold_whenThePrimaryNeverComes_thenTheBestUsableIsChosenWhenItEnds() {
        TeamMachine m = new TeamMachine(new TeamMachine.Settings(FailbackPolicy.NONE, "", 0, 0), 1000 * MS);
        m.add("A", 200, false, 0);
        TeamMachine.Outcome o = m.add("B", 100, false, 0);
        assertEquals(1000 * MS, o.nextDeadline(), "the hold's end is due");
        allUp(m, "B");
        assertEquals(null, m.active());
        m.tick(999 * MS);
        assertEquals(null, m.active());
        m.tick(1000 * MS);
        assertEquals("B", m.active(), "after the hold the best usable member");
        for (Watcher w : Watcher.values()) {
            m.report("A", w, true, "test", 1100 * MS);
        }
        assertEquals("B", m.active(), "later the policy decides: fail-back none keeps B");
    }

    private static void allUp(TeamMachine m, String name) {
        for (Watcher w : Watcher.values()) {
            m.report(name, w, true, "test", 0);
        }
    }
}

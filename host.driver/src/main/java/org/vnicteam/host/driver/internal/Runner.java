package org.vnicteam.host.driver.internal;

import java.util.Comparator;
import java.util.List;

import org.vnicteam.api.host.FailbackPolicy;
import org.vnicteam.api.host.LinkState;

/**
 * The runner of the active-backup team (teamd's {@code ab} runner, bonding's active-backup
 * reselection): given the members' committed link and path states and the current active member,
 * which member should be active. A pure function; the team machine feeds it and the action step
 * carries out what it says.
 *
 * <p>A member is <em>fully up</em> when its link is usable and its path (its bridge's probes) is
 * UP, <em>degraded</em> when its link is usable but its path is not UP.
 *
 * <ol>
 * <li>An active member whose path is DOWN is left at once for the best fully-up member, sticky
 * or not; with none fully up it stays (when every bridge loses every other, the switch or a
 * bridge is gone: moving would not help, going dark would hurt). Not for a member whose path
 * has only just come back (BACK) either: when a stalled machine makes every path blink, they all
 * come back together, and moving would bounce the team between them. But a member whose path
 * has been back for four path down delays while the active member's is still lost ({@link
 * Candidate#pathBackSettled}) is taken before its up delay ends: the two no longer share a cause
 * (when the active bridge's switch port goes, its peer hears nothing either until the switch
 * floods the clients' frames to it, a few milliseconds later).</li>
 * <li>An active member that is still usable otherwise stays, unless the fail-back policy says to
 * leave it for a recovered fully-up one (never if it is sticky). A path that is only FAIL (within
 * its down delay) or BACK (within its up delay) is not a reason to leave.</li>
 * <li>Otherwise the best fully-up member: highest priority, then the one that joined first; with
 * none, the best degraded one (a path coming back before a path lost).</li>
 * <li>No usable member: the best one whose up delay is still running (BACK) is taken early, as
 * bonding does, rather than leaving the team without carrier.</li>
 * </ol>
 */
final class Runner {

    /**
     * What the runner knows of a member.
     *
     * @param pathBackSettled its path is BACK and has been for long enough to tell it from a blink
     *        of every path at once (see {@link TeamMachine#PATH_BACK_SETTLE_FACTOR})
     */
    record Candidate(String name, int priority, boolean sticky, long joinOrder, LinkState link, LinkState path,
            boolean pathBackSettled) {

        Candidate(String name, int priority, boolean sticky, long joinOrder, LinkState link, LinkState path) {
            this(name, priority, sticky, joinOrder, link, path, false);
        }

        /** Without probes: the path is always up. */
        Candidate(String name, int priority, boolean sticky, long joinOrder, LinkState link) {
            this(name, priority, sticky, joinOrder, link, LinkState.UP);
        }

        boolean fullyUp() {
            return link.usable() && path == LinkState.UP;
        }
    }

    /**
     * What the runner decided: the member to make active (or null) and why; {@code early}: its link
     * is taken before its up delay ends, {@code pathEarly}: its path is.
     */
    record Choice(Candidate member, String reason, boolean early, boolean pathEarly) {

        Choice(Candidate member, String reason, boolean early) {
            this(member, reason, early, false);
        }
    }

    static final Comparator<Candidate> BEST_FIRST = Comparator.comparingInt(Candidate::priority).reversed()
            .thenComparingLong(Candidate::joinOrder).thenComparing(Candidate::name);

    /** Among degraded members: a path on its way back (or only just failing) before a path lost. */
    private static final Comparator<Candidate> LEAST_DEGRADED_FIRST = Comparator
            .comparing((Candidate c) -> c.path() == LinkState.DOWN).thenComparing(BEST_FIRST);

    private Runner() {
    }

    static Choice choose(List<Candidate> members, String current, FailbackPolicy policy, String primary) {
        Candidate cur = members.stream().filter(m -> m.name().equals(current)).findFirst().orElse(null);
        Candidate best = members.stream().filter(Candidate::fullyUp).min(BEST_FIRST).orElse(null);
        if (cur != null && cur.link().usable()) {
            if (cur.path() == LinkState.DOWN && best != null) {
                return new Choice(best, "active member " + cur.name() + " lost its path (probes)", false);
            }
            if (cur.path() == LinkState.DOWN) {
                Candidate back = members.stream().filter(m -> m != cur && m.link().usable() && m.pathBackSettled())
                        .min(BEST_FIRST).orElse(null);
                if (back != null) {
                    return new Choice(back, "active member " + cur.name() + " lost its path (probes); " + back.name()
                            + "'s is heard again, " + cur.name() + "'s is not", false, true);
                }
            }
            if (cur.sticky()) {
                return new Choice(cur, "active member is sticky", false);
            }
            switch (policy) {
                case PRIMARY -> {
                    Candidate p = primaryOf(members, primary);
                    if (p != null && p != cur && p.fullyUp()) {
                        return new Choice(p, "fail-back to primary " + p.name(), false);
                    }
                }
                case BETTER -> {
                    if (best != null && best.priority() > cur.priority()) {
                        return new Choice(best, "fail-back to better " + best.name() + " (priority "
                                + best.priority() + " > " + cur.priority() + ")", false);
                    }
                }
                case NONE -> {
                    // a healthy active member stays
                }
            }
            return new Choice(cur, cur.path() == LinkState.DOWN ? "active member degraded, no member is fully up"
                    : "active member healthy", false);
        }
        if (best != null) {
            return new Choice(best, cur == null ? "best usable member" : "active member " + cur.name() + " is "
                    + cur.link(), false);
        }
        Candidate degraded = members.stream().filter(m -> m.link().usable()).min(LEAST_DEGRADED_FIRST).orElse(null);
        if (degraded != null) {
            return new Choice(degraded, "no member is fully up: " + degraded.name() + " (path " + degraded.path()
                    + ")", false);
        }
        Candidate back = members.stream().filter(m -> m.link() == LinkState.BACK).min(BEST_FIRST).orElse(null);
        if (back != null) {
            return new Choice(back, "no usable member: " + back.name() + " taken before its up delay ends", true);
        }
        return new Choice(null, "no usable member", false);
    }

    /** The primary: the configured name if it is a member, else the highest priority member. */
    static Candidate primaryOf(List<Candidate> members, String primary) {
        if (primary != null && !primary.isEmpty()) {
            return members.stream().filter(m -> m.name().equals(primary)).findFirst().orElse(null);
        }
        return members.stream().min(BEST_FIRST).orElse(null);
    }
}

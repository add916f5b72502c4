package org.vnicteam.host.driver.internal;

import java.util.Comparator;
import java.util.List;

import org.vnicteam.api.host.FailbackPolicy;
import org.vnicteam.api.host.LinkState;

/**
 * The runner of the active-backup team (teamd's {@code ab} runner, bonding's active-backup
 * reselection): given the members' committed link states and the current active member, which
 * member should be active. A pure function; the team machine feeds it and the action step
 * carries out what it says.
 *
 * <ol>
 * <li>An active member that is still usable stays, unless the fail-back policy says to leave it
 * for a recovered one (never if it is sticky).</li>
 * <li>Otherwise the best usable member: highest priority, then the one that joined first.</li>
 * <li>No usable member: the best one whose up delay is still running (BACK) is taken early, as
 * bonding does, rather than leaving the team without carrier.</li>
 * </ol>
 */
final class Runner {

    /** What the runner knows of a member. */
    record Candidate(String name, int priority, boolean sticky, long joinOrder, LinkState link) {
    }

    /** What the runner decided: the member to make active (or null) and why. */
    record Choice(Candidate member, String reason, boolean early) {
    }

    static final Comparator<Candidate> BEST_FIRST = Comparator.comparingInt(Candidate::priority).reversed()
            .thenComparingLong(Candidate::joinOrder).thenComparing(Candidate::name);

    private Runner() {
    }

    static Choice choose(List<Candidate> members, String current, FailbackPolicy policy, String primary) {
        Candidate cur = members.stream().filter(m -> m.name().equals(current)).findFirst().orElse(null);
        Candidate best = members.stream().filter(m -> m.link().usable()).min(BEST_FIRST).orElse(null);
        if (cur != null && cur.link().usable()) {
            if (cur.sticky()) {
                return new Choice(cur, "active member is sticky", false);
            }
            switch (policy) {
                case PRIMARY -> {
                    Candidate p = primaryOf(members, primary);
                    if (p != null && p != cur && p.link().usable()) {
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
            return new Choice(cur, "active member healthy", false);
        }
        if (best != null) {
            return new Choice(best, cur == null ? "best usable member" : "active member " + cur.name() + " is "
                    + cur.link(), false);
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

package org.vnicteam.host.driver.internal;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.vnicteam.api.host.FailbackPolicy;
import org.vnicteam.api.host.LinkState;
import org.vnicteam.api.host.VnicEvent.Watcher;

/**
 * The team's state, without threads or clocks of its own: members with their link watchers and
 * Linux-bonding hysteresis, and the active member the {@link Runner} picks. Watchers report;
 * this machine inspects, then commits in one place ({@link #run}); the caller (the team
 * component) performs the action the outcome asks for. Time is passed in, so tests drive it with
 * a virtual clock.
 *
 * <pre>
 * watchers all up, link DOWN → BACK (up delay) → UP       watchers down, link UP → FAIL (down delay) → DOWN
 *                   BACK → DOWN when a watcher drops                     FAIL → UP when they are all up again
 * </pre>
 * A delay of 0 commits at once. The link is the session, bridge-link and fabric watchers; the path
 * watcher (the bridge's probes) has its own state with the same hysteresis, its down delay being
 * the path down delay: a member whose link is usable but whose path is not UP is degraded (see
 * {@link Runner}). Not thread-safe: the team component serialises access.
 */
final class TeamMachine {

    /**
     * Team settings the machine needs.
     *
     * @param failback fail-back policy
     * @param primary primary member name, "" for the highest priority
     * @param upDelayNanos up delay
     * @param downDelayNanos down delay
     * @param pathDownDelayNanos how long a member's path must stay lost before it is DOWN: long
     *        enough that when every bridge loses every other at once (a switch gone, a bridge gone),
     *        all their reports are in before the runner moves, and so it stays where it is
     */
    record Settings(FailbackPolicy failback, String primary, long upDelayNanos, long downDelayNanos,
            long pathDownDelayNanos) {

        /** Without a path down delay. */
        Settings(FailbackPolicy failback, String primary, long upDelayNanos, long downDelayNanos) {
            this(failback, primary, upDelayNanos, downDelayNanos, 0);
        }
    }

    /** A state change to log (once). */
    record Change(String kind, String member, String text) {
    }

    /**
     * What one input did.
     *
     * @param previous active member before, or null
     * @param active active member now, or null
     * @param cause why the active member changed (the input that triggered it and the runner's reason)
     * @param planned the previous member is still usable (fail-back): nothing to replay
     * @param changes the state changes, in order
     * @param nextDeadline when {@link #tick} is due next (a delay ends), or Long.MAX_VALUE
     */
    record Outcome(String previous, String active, String cause, boolean planned, List<Change> changes,
            long nextDeadline) {
        boolean activeChanged() {
            return previous == null ? active != null : !previous.equals(active);
        }
    }

    static final class Member {
        final String name;
        int priority;
        boolean sticky;
        final long joinOrder;
        final EnumMap<Watcher, Boolean> watchers = new EnumMap<>(Watcher.class);
        LinkState link = LinkState.DOWN;
        long delayEnds;
        /** The path's committed state: UP until the member's bridge reports it lost. */
        LinkState path = LinkState.UP;
        long pathDelayEnds;
        /** When the path last came BACK. */
        long pathBackSince;
        long pathLostEvents;
        String lastCause = "joined";

        Member(String name, int priority, boolean sticky, long joinOrder) {
            this.name = name;
            this.priority = priority;
            this.sticky = sticky;
            this.joinOrder = joinOrder;
            for (Watcher w : Watcher.values()) {
                watchers.put(w, w == Watcher.PATH); // no news of the path is good news
            }
        }

        /** The link's watchers: session, bridge link, fabric. */
        boolean rawUp() {
            return watchers.get(Watcher.SESSION) && watchers.get(Watcher.BRIDGE_LINK) && watchers.get(Watcher.FABRIC);
        }

        boolean rawPathUp() {
            return watchers.get(Watcher.PATH);
        }

        /** @param settleNanos how long a path must have been BACK to count as settled (see PATH_BACK_SETTLE_FACTOR) */
        Runner.Candidate candidate(long now, long settleNanos) {
            return new Runner.Candidate(name, priority, sticky, joinOrder, link, path,
                    path == LinkState.BACK && now - pathBackSince >= settleNanos);
        }
    }

    /**
     * A member whose path came back is taken for an active member whose path is still lost once it
     * has been back this many path down delays (20 ms by default): when a stall makes every path
     * blink, they come back within about one probe window of each other (up to 8 ms apart measured
     * on a loaded 2-core testbed), while a bridge whose switch port is really gone stays silent.
     */
    static final int PATH_BACK_SETTLE_FACTOR = 4;

    private Settings settings;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private String active;
    private long joins;
    private final List<Change> changes = new ArrayList<>();
    /**
     * At start-up the first choice waits this long for the primary member to come up, so that the
     * team does not settle on whichever VNIC happened to log in first (and, with fail-back NONE,
     * stay there). 0: choose at once.
     */
    private final long startupHoldNanos;
    private long firstJoinNanos = Long.MIN_VALUE;
    private boolean chosenOnce;

    TeamMachine(Settings settings) {
        this(settings, 0);
    }

    TeamMachine(Settings settings, long startupHoldNanos) {
        this.settings = settings;
        this.startupHoldNanos = startupHoldNanos;
    }

    String active() {
        return active;
    }

    Settings settings() {
        return settings;
    }

    Member member(String name) {
        return members.get(name);
    }

    List<Member> members() {
        return List.copyOf(members.values());
    }

    // ---- inputs ---------------------------------------------------------------------------------

    /** A member joins, every watcher down until it reports (a VNIC reports its state on attach). */
    Outcome add(String name, int priority, boolean sticky, long now) {
        if (members.containsKey(name)) {
            throw new IllegalArgumentException("member " + name + " is already in the team");
        }
        if (firstJoinNanos == Long.MIN_VALUE) {
            firstJoinNanos = now;
        }
        members.put(name, new Member(name, priority, sticky, joins++));
        changes.add(new Change("MEMBER_ADDED", name, name + " joined (priority " + priority
                + (sticky ? ", sticky" : "") + ")"));
        return run(now, name + " joined");
    }

    /** A member leaves (its VNIC went away). */
    Outcome remove(String name, long now) {
        Member m = members.remove(name);
        if (m == null) {
            return run(now, "nothing");
        }
        changes.add(new Change("MEMBER_REMOVED", name, name + " left the team"));
        return run(now, name + " left the team");
    }

    /** A link watcher of a member reports. */
    Outcome report(String name, Watcher watcher, boolean up, String cause, long now) {
        Member m = members.get(name);
        if (m == null) {
            return run(now, "nothing");
        }
        Boolean was = m.watchers.put(watcher, up);
        String trigger = name + " " + watcher + " " + (up ? "up" : "down") + " (" + cause + ")";
        if (was != null && was == up) {
            return run(now, trigger);
        }
        m.lastCause = watcher + " " + (up ? "up" : "down") + ": " + cause;
        inspect(m, watcher == Watcher.PATH, now, trigger);
        return run(now, trigger);
    }

    /** Time passed: delays that ended are committed. */
    Outcome tick(long now) {
        for (Member m : members.values()) {
            if (pending(m.link) && now >= m.delayEnds) {
                commit(m, false, m.link == LinkState.FAIL ? LinkState.DOWN : LinkState.UP,
                        (m.link == LinkState.FAIL ? "down" : "up") + " delay over");
            }
            if (pending(m.path) && now >= m.pathDelayEnds) {
                commit(m, true, m.path == LinkState.FAIL ? LinkState.DOWN : LinkState.UP,
                        (m.path == LinkState.FAIL ? "path down" : "up") + " delay over");
            }
        }
        return run(now, "delay over");
    }

    private static boolean pending(LinkState s) {
        return s == LinkState.FAIL || s == LinkState.BACK;
    }

    /** New settings; members' priorities come with their VNICs. */
    Outcome reconfigure(Settings s, long now) {
        settings = s;
        changes.add(new Change("CONFIG", "", "fail-back " + s.failback() + ", primary '" + s.primary()
                + "', up delay " + s.upDelayNanos() / 1_000_000 + " ms, down delay " + s.downDelayNanos() / 1_000_000
                + " ms, path down delay " + s.pathDownDelayNanos() / 1_000_000 + " ms"));
        return run(now, "configuration changed");
    }

    // ---- inspect and commit ---------------------------------------------------------------------

    /**
     * Inspect: the link (session, bridge link, fabric) or the path moves through its hysteresis.
     * The path's down delay is the path down delay; both use the up delay.
     */
    private void inspect(Member m, boolean path, long now, String trigger) {
        boolean raw = path ? m.rawPathUp() : m.rawUp();
        long downDelay = path ? settings.pathDownDelayNanos() : settings.downDelayNanos();
        switch (path ? m.path : m.link) {
            case UP -> {
                if (!raw) {
                    if (downDelay <= 0) {
                        commit(m, path, LinkState.DOWN, trigger);
                    } else {
                        delayUntil(m, path, now + downDelay);
                        commit(m, path, LinkState.FAIL, trigger);
                    }
                }
            }
            case FAIL -> {
                if (raw) {
                    commit(m, path, LinkState.UP, trigger + ", within the " + (path ? "path " : "") + "down delay");
                }
            }
            case DOWN -> {
                if (raw) {
                    if (settings.upDelayNanos() <= 0) {
                        commit(m, path, LinkState.UP, trigger);
                    } else {
                        delayUntil(m, path, now + settings.upDelayNanos());
                        if (path) {
                            m.pathBackSince = now;
                        }
                        commit(m, path, LinkState.BACK, trigger);
                    }
                }
            }
            case BACK -> {
                if (!raw) {
                    commit(m, path, LinkState.DOWN, trigger + ", within the up delay");
                }
            }
        }
    }

    private static void delayUntil(Member m, boolean path, long ends) {
        if (path) {
            m.pathDelayEnds = ends;
        } else {
            m.delayEnds = ends;
        }
    }

    private void commit(Member m, boolean path, LinkState to, String why) {
        if (!path) {
            LinkState from = m.link;
            m.link = to;
            changes.add(new Change("LINK", m.name, m.name + " link " + from + " -> " + to + ": " + why));
            return;
        }
        LinkState from = m.path;
        m.path = to;
        if (to == LinkState.DOWN) {
            m.pathLostEvents++;
        }
        changes.add(new Change("PATH", m.name, m.name + " path " + from + " -> " + to + ": " + why));
    }

    /** Runs the runner and reports what changed since the last outcome. */
    private Outcome run(long now, String trigger) {
        String previous = active;
        Member prev = previous == null ? null : members.get(previous);
        boolean planned = prev != null && prev.link.usable();
        long settle = PATH_BACK_SETTLE_FACTOR * settings.pathDownDelayNanos();
        List<Runner.Candidate> candidates = members.values().stream().map(m -> m.candidate(now, settle)).toList();
        long holdEnds = holdEnds(candidates, now);
        Runner.Choice choice = holdEnds != Long.MAX_VALUE ? new Runner.Choice(null, "start-up hold", false)
                : Runner.choose(candidates, active, settings.failback(), settings.primary());
        String cause = null;
        if (choice.member() == null ? active != null : !choice.member().name().equals(active)) {
            if (choice.early()) {
                Member early = members.get(choice.member().name());
                commit(early, false, LinkState.UP, "taken " + Math.max(0, (early.delayEnds - now) / 1_000_000)
                        + " ms before its up delay ends: no other member is usable");
            }
            if (choice.pathEarly()) {
                Member early = members.get(choice.member().name());
                commit(early, true, LinkState.UP, "taken " + Math.max(0, (early.pathDelayEnds - now) / 1_000_000)
                        + " ms before its up delay ends: the active member's path is still lost");
            }
            active = choice.member() == null ? null : choice.member().name();
            cause = trigger + "; " + choice.reason();
            changes.add(new Change("ACTIVE", active == null ? "" : active, "active " + (previous == null ? "none"
                    : previous) + " -> " + (active == null ? "none" : active) + ": " + cause));
        }
        if (active != null) {
            chosenOnce = true;
        }
        long next = holdEnds;
        for (Member m : members.values()) {
            if (pending(m.link)) {
                next = Math.min(next, m.delayEnds);
            }
            if (pending(m.path)) {
                next = Math.min(next, m.pathDelayEnds);
            }
            if (m.path == LinkState.BACK && now - m.pathBackSince < settle) {
                next = Math.min(next, m.pathBackSince + settle); // when it may be taken early (Runner, rule 1)
            }
        }
        List<Change> out = List.copyOf(changes);
        changes.clear();
        return new Outcome(previous, active, cause, planned, out, next);
    }

    /** When the start-up hold ends if the first choice must still wait, else Long.MAX_VALUE. */
    private long holdEnds(List<Runner.Candidate> candidates, long now) {
        if (chosenOnce || active != null || startupHoldNanos <= 0 || firstJoinNanos == Long.MIN_VALUE) {
            return Long.MAX_VALUE;
        }
        long ends = firstJoinNanos + startupHoldNanos;
        Runner.Candidate primary = Runner.primaryOf(candidates, settings.primary());
        return now < ends && primary != null && !primary.link().usable() ? ends : Long.MAX_VALUE;
    }
}

package org.vnicteam.lib.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.vnicteam.lib.pcap4j.Pcap4j;

/**
 * The link monitor on a veth pair inside a namespace this test creates (and deletes, whatever
 * happens). Needs root and iproute2; fails, never skips, without.
 */
class LinkMonitorTest {

    static final String A = "lm-a";
    static final String B = "lm-b";
    static final long WAIT_MS = 2000;

    TestNamespace ns;
    LinkMonitor monitor;

    /** One watch's deliveries, each with the time the listener ran. */
    static final class Events {
        record Event(LinkState state, long calledAt) {
        }

        final LinkedBlockingQueue<Event> queue = new LinkedBlockingQueue<>();
        long lastCalledAt;

        void accept(LinkState s) {
            queue.add(new Event(s, System.nanoTime()));
        }

        LinkState next() throws InterruptedException {
            Event e = queue.poll(WAIT_MS, TimeUnit.MILLISECONDS);
            assertNotNull(e, "no link event within " + WAIT_MS + " ms");
            lastCalledAt = e.calledAt;
            return e.state;
        }

        /** The next state with carrier {@code carrier}, skipping others (bounded by the wait). */
        LinkState nextWithCarrier(boolean carrier) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
            while (System.nanoTime() < end) {
                Event e = queue.poll(10, TimeUnit.MILLISECONDS);
                if (e != null && e.state.carrier() == carrier) {
                    lastCalledAt = e.calledAt;
                    return e.state;
                }
            }
            throw new AssertionError("no state with carrier " + carrier + " within " + WAIT_MS + " ms");
        }
    }

    @BeforeEach
    void createVethPair() throws Exception {
        ns = TestNamespace.create("vt-lm-");
        ns.addVethPair(A, B);
        monitor = LinkMonitor.open(ns.netns());
    }

    @AfterEach
    void deleteNamespace() throws Exception {
        if (monitor != null) {
            monitor.close();
        }
        if (ns != null) {
            ns.close(); // takes the veth pair with it
        }
    }

    @Test
    void givenAnUpVethPair_whenWatched_thenTheCurrentStateComesFirst() throws Exception {
        Events events = new Events();
        LinkMonitor.Watch w = monitor.watch(A, events::accept);
        LinkState s = events.next();
        assertTrue(s.exists() && s.adminUp() && s.carrier() && s.operational(), s.toString());
        assertEquals(A, s.name());
        assertEquals(s, w.state());
        assertEquals(6, s.addressBytes().length, s.address());
        assertEquals(1500, s.mtu());
        String ipIndex = ns.ip("-o", "link", "show", A).split(":")[0].trim();
        assertEquals(Integer.parseInt(ipIndex), s.index());
    }

    @Test
    void givenAWatchedVeth_whenItsPeerGoesDownAndUp_thenCarrierFalseThenTrueAndTheDelayIsPrinted()
            throws Exception {
        Events events = new Events();
        monitor.watch(A, events::accept);
        assertTrue(events.next().carrier());
        int rounds = 20;
        long[] down = new long[rounds];
        long[] up = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            monitor.setAdminUp(B, false);
            LinkState s = events.nextWithCarrier(false);
            down[i] = events.lastCalledAt - t0;
            assertTrue(s.exists() && s.adminUp() && !s.carrier(), s.toString());
            t0 = System.nanoTime();
            monitor.setAdminUp(B, true);
            assertTrue(events.nextWithCarrier(true).operational());
            up[i] = events.lastCalledAt - t0;
        }
        Arrays.sort(down);
        Arrays.sort(up);
        System.out.printf("LinkMonitor: peer down -> carrier false at the listener: median %.1f us, max %.1f us;"
                + " peer up -> carrier true: median %.1f us, max %.1f us (%d rounds, RTM_NEWLINK sent to callback)%n",
                down[rounds / 2] / 1e3, down[rounds - 1] / 1e3, up[rounds / 2] / 1e3, up[rounds - 1] / 1e3, rounds);
        assertTrue(down[rounds / 2] < TimeUnit.MILLISECONDS.toNanos(5), "median carrier-loss delay " + down[rounds / 2]
                + " ns");
    }

    @Test
    void givenAWatchedVeth_whenThePeerIsTakenDownByIp_thenCarrierFalseArrives() throws Exception {
        Events events = new Events();
        monitor.watch(A, events::accept);
        assertTrue(events.next().carrier());
        ns.ip("link", "set", B, "down");
        assertFalse(events.nextWithCarrier(false).carrier());
        ns.ip("link", "set", B, "up");
        assertTrue(events.nextWithCarrier(true).carrier());
    }

    @Test
    void givenAWatchedVeth_whenItIsDeleted_thenExistsFalse_andWhenCreatedAgain_thenExistsTrue() throws Exception {
        Events events = new Events();
        monitor.watch(A, events::accept);
        int index = events.next().index();
        ns.ip("link", "del", A);
        LinkState gone = events.next();
        while (gone.exists()) {
            gone = events.next();
        }
        assertFalse(gone.carrier() || gone.adminUp(), gone.toString());
        ns.ip("link", "add", A, "type", "veth", "peer", "name", B);
        LinkState back = events.next();
        assertTrue(back.exists());
        assertTrue(back.index() != index, "a new interface, a new index");
    }

    @Test
    void givenAWatchedVeth_whenRenamed_thenTheOldNameIsAbsent() throws Exception {
        Events events = new Events();
        monitor.watch(A, events::accept);
        events.next();
        ns.ip("link", "set", A, "down");
        ns.ip("link", "set", A, "name", "lm-renamed");
        LinkState s = events.next();
        while (s.exists()) {
            s = events.next();
        }
        assertEquals(A, s.name());
    }

    @Test
    void givenAnAbsentInterface_whenWatchedAndQueried_thenExistsFalse() throws Exception {
        Events events = new Events();
        monitor.watch("lm-none", events::accept);
        assertFalse(events.next().exists());
        assertFalse(monitor.query("lm-none").exists());
        assertTrue(monitor.query(A).operational());
        IOException e = assertThrows(IOException.class, () -> monitor.setAdminUp("lm-none", true));
        assertTrue(e.getMessage().contains("lm-none") && e.getMessage().contains("No such device"), e.getMessage());
    }

    @Test
    void givenAVeth_whenFramesAreSentWithItsPeerUpThenDown_thenStatisticsCountThemSentThenTxDropped()
            throws Exception {
        Pcap4j.init();
        PcapHandle sender = ns.netns().call(() -> new PcapHandle.Builder(A).snaplen(128).build());
        byte[] frame = new byte[60];
        frame[0] = 2; // to a unicast MAC nobody has
        frame[12] = (byte) 0x88;
        frame[13] = (byte) 0xB5; // local experimental EtherType
        try {
            LinkStatistics before = monitor.statistics(A);
            assertEquals(monitor.query(A).index(), before.index());
            for (int i = 0; i < 10; i++) {
                sender.sendPacket(frame);
            }
            LinkStatistics sent = monitor.statistics(A);
            assertTrue(sent.txPackets() - before.txPackets() >= 10, before + " -> " + sent);
            assertEquals(before.txDropped(), sent.txDropped(), "nothing dropped while the peer is up");

            monitor.setAdminUp(B, false);
            for (int i = 0; i < 10; i++) {
                try {
                    sender.sendPacket(frame); // dropped: at first the veth refuses it, then the kernel drops it silently
                } catch (PcapNativeException refused) {
                    // ENOBUFS, until the kernel takes A's queue away for want of carrier
                }
            }
            LinkStatistics dropped = monitor.statistics(A);
            assertEquals(10, dropped.txDropped() - sent.txDropped(), "refused or not: " + sent + " -> " + dropped);
            assertEquals(sent.txPackets(), dropped.txPackets());
        } finally {
            sender.close();
        }
    }

    @Test
    void givenAWatchCallback_whenItAsksForStatistics_thenItGetsThem_andAbsentOrClosedFailsWithTheReason()
            throws Exception {
        CompletableFuture<LinkStatistics> inCallback = new CompletableFuture<>();
        monitor.watch(A, s -> {
            try {
                inCallback.complete(monitor.statistics(A));
            } catch (IOException e) {
                inCallback.completeExceptionally(e);
            }
        });
        assertEquals(monitor.query(A).index(), inCallback.get(WAIT_MS, TimeUnit.MILLISECONDS).index(),
                "answered on the monitor thread, which its own socket does not need");
        int rounds = 200;
        long t0 = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            monitor.statistics(A);
        }
        System.out.printf("LinkMonitor: statistics (RTM_GETLINK, IFLA_STATS64) %.1f us each on average (%d)%n",
                (System.nanoTime() - t0) / 1e3 / rounds, rounds);

        IOException absent = assertThrows(IOException.class, () -> monitor.statistics("lm-none"));
        assertTrue(absent.getMessage().contains("lm-none") && absent.getMessage().contains("No such device"),
                absent.getMessage());
        monitor.close();
        assertThrows(IOException.class, () -> monitor.statistics(A));
    }

    @Test
    void givenAMissingNamespace_whenOpening_thenTheErrorNamesIt() {
        IOException e = assertThrows(IOException.class, () -> LinkMonitor.open(NetNamespace.named("vt-lm-none")));
        assertTrue(e.getMessage().contains("vt-lm-none"), e.getMessage());
    }

    @Test
    void givenAnOpenMonitor_whenClosed_thenItsThreadEndsWithinAHundredMilliseconds() throws Exception {
        monitor.watch(A, s -> { });
        long t0 = System.nanoTime();
        monitor.close();
        long took = System.nanoTime() - t0;
        assertFalse(monitor.isAlive());
        assertTrue(took < TimeUnit.MILLISECONDS.toNanos(150), "close took " + took / 1000 + " us");
        assertThrows(IOException.class, () -> monitor.query(A));
    }

    @Test
    void givenAListenerThatThrows_whenEventsArrive_thenTheMonitorKeepsDelivering() throws Exception {
        monitor.watch(A, s -> {
            throw new IllegalStateException("listener fault");
        });
        Events events = new Events();
        monitor.watch(A, events::accept);
        events.next();
        monitor.setAdminUp(B, false);
        assertFalse(events.nextWithCarrier(false).carrier());
        assertEquals(0, monitor.counters().malformed());
    }
}

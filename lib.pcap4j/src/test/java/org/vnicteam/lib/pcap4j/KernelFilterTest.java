package org.vnicteam.lib.pcap4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapHandle.PcapDirection;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * {@link KernelFilter} on a veth pair inside a namespace this test creates: the attached filter
 * takes effect, a swap keeps what waits in the ring (libpcap does not filter it again), "" lets
 * everything through, and bad expressions, closed handles and handles without a socket give clear
 * errors. Needs root, iproute2 and libpcap; fails, never skips, without.
 */
class KernelFilterTest {

    static final String CAPTURE_IF = "kf-cap";
    static final String PEER_IF = "kf-peer";
    static final int SNAPLEN = 1515;
    static final long WAIT_MS = 2000;
    static final String A = "02:00:00:00:0a:0a";
    static final String B = "02:00:00:00:0b:0b";
    static final String C = "02:00:00:00:0c:0c";

    VethNamespace ns;
    PcapHandle peer;
    PcapHandle capture;
    PcapReader reader;
    final byte[] buffer = new byte[SNAPLEN];
    final ExecutorService threads = VethNamespace.daemonThreads("kernel filter test");

    @BeforeEach
    void openCaptureOnAVethPair() throws Exception {
        ns = VethNamespace.create("vt-kf-", CAPTURE_IF, PEER_IF);
        peer = ns.call(() -> new PcapHandle.Builder(PEER_IF).snaplen(128).build());
        capture = ns.call(() -> new PcapHandle.Builder(CAPTURE_IF).snaplen(SNAPLEN).bufferSize(4 << 20)
                .promiscuousMode(PromiscuousMode.PROMISCUOUS).immediateMode(true).direction(PcapDirection.IN)
                .build());
        reader = new PcapReader(capture);
    }

    @AfterEach
    void closeAll() throws Exception {
        threads.shutdownNow();
        for (PcapHandle h : new PcapHandle[] { capture, peer }) {
            if (h != null && h.isOpen()) {
                h.breakLoop();
                h.close();
            }
        }
        ns.close();
    }

    @Test
    void givenFilters_whenAttachedInTurn_thenEachTakesEffect_andFramesWaitingInTheRingAreKept() throws Exception {
        KernelFilter.attach(capture, "ether dst " + A);
        send(A, 1);
        send(B, 2); // the kernel drops it
        send(A, 3);
        awaitReceived(2);
        send(A, 4); // waits in the ring: it passed the filter of its time
        awaitReceived(3);

        KernelFilter.attach(capture, "ether dst " + B);
        send(A, 5); // the new filter drops it
        send(B, 6);
        awaitReceived(4);
        KernelFilter.attach(capture, "");
        send(C, 7); // no filter: everything passes

        assertEquals(List.of(1, 3, 4, 6, 7), markersUpTo(7));
        assertEquals(5, capture.getStats().getNumPacketsReceived(), "the kernel took 5 frames into the ring");
    }

    @Test
    void givenABadExpression_whenAttached_thenTheErrorNamesItAndLibpcapsReason_andTheFilterIsUnchanged()
            throws Exception {
        KernelFilter.attach(capture, "ether dst " + A);
        PcapNativeException e = assertThrows(PcapNativeException.class,
                () -> KernelFilter.attach(capture, "ether dst nowhere or ("));
        assertTrue(e.getMessage().startsWith("cannot compile the filter \"ether dst nowhere or (\": ")
                && e.getMessage().length() > 55, e.getMessage());

        send(B, 1);
        send(A, 2);
        assertEquals(List.of(2), markersUpTo(2), "the earlier filter still runs");
    }

    @Test
    void givenAClosedHandle_whenAttached_thenNotOpen() throws Exception {
        capture.close();
        NotOpenException e = assertThrows(NotOpenException.class, () -> KernelFilter.attach(capture, "ether dst " + A));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void givenAHandleWithoutASocket_whenAttached_thenTheErrorSaysSo() throws Exception {
        try (PcapHandle dead = Pcaps.openDead(DataLinkType.EN10MB, SNAPLEN)) {
            PcapNativeException e = assertThrows(PcapNativeException.class,
                    () -> KernelFilter.attach(dead, "ether dst " + A));
            assertEquals("the pcap handle has no capture socket to attach the filter \"ether dst " + A
                    + "\" to (a live capture on Linux has one)", e.getMessage());
        }
    }

    @Test
    void givenNulls_thenClearErrors() {
        assertThrows(NullPointerException.class, () -> KernelFilter.attach(null, ""));
        assertThrows(NullPointerException.class, () -> KernelFilter.attach(capture, null));
    }

    // ---- helpers --------------------------------------------------------------------------

    void send(String destination, int marker) throws Exception {
        byte[] f = new byte[60];
        String[] octets = destination.split(":");
        for (int i = 0; i < 6; i++) {
            f[i] = (byte) Integer.parseInt(octets[i], 16);
        }
        System.arraycopy(PcapReaderTest.PEER_MAC, 0, f, 6, 6);
        f[12] = (byte) 0x88;
        f[13] = (byte) 0xb5;
        f[20] = (byte) marker;
        peer.sendPacket(f);
    }

    /** Waits until the kernel has taken {@code count} frames into the capture's ring. */
    void awaitReceived(int count) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (capture.getStats().getNumPacketsReceived() < count) {
            if (System.nanoTime() > end) {
                throw new AssertionError("the ring did not get " + count + " frames within " + WAIT_MS + " ms");
            }
            Thread.sleep(5);
        }
    }

    /** The markers of the frames from the peer, read until {@code last} (failing if it does not come). */
    List<Integer> markersUpTo(int last) throws Exception {
        List<Integer> markers = new ArrayList<>();
        while (markers.isEmpty() || markers.get(markers.size() - 1) != last) {
            Future<Integer> read = threads.submit(() -> reader.next(buffer));
            int n;
            try {
                n = read.get(WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                capture.breakLoop();
                throw new AssertionError("frame " + last + " did not come within " + WAIT_MS + " ms; got " + markers, e);
            }
            if (n >= 21 && buffer[11] == PcapReaderTest.PEER_MAC[5] && buffer[12] == (byte) 0x88) {
                markers.add((int) buffer[20]);
            }
        }
        return markers;
    }
}

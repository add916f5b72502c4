package org.vnicteam.lib.pcap4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pcap4j.core.BpfProgram.BpfCompileMode;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapHandle.PcapDirection;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * {@link PcapReader} on a veth pair inside a namespace this test creates: frames read back byte
 * for byte, cut frames reported, pcap_breakloop from another thread, a frame that comes with the
 * break, and closed or unusable handles. Needs root, iproute2 and libpcap; fails, never skips,
 * without.
 */
class PcapReaderTest {

    static final String READER_IF = "pr-read";
    static final String PEER_IF = "pr-peer";
    static final int SNAPLEN = 1515;
    static final long WAIT_MS = 2000;
    /** The peer's source MAC: the reader's filter lets only its frames through. */
    static final byte[] PEER_MAC = { 0x02, 0, 0, 0, 0x70, 0x01 };

    VethNamespace ns;
    PcapHandle peer;
    final List<PcapHandle> handles = new ArrayList<>();
    final ExecutorService threads = VethNamespace.daemonThreads("pcap reader test");

    @BeforeEach
    void createVethPair() throws Exception {
        ns = VethNamespace.create("vt-pr-", READER_IF, PEER_IF);
        peer = open(PEER_IF, 128);
    }

    @AfterEach
    void closeAll() throws Exception {
        threads.shutdownNow();
        for (PcapHandle h : handles) {
            if (h.isOpen()) {
                h.breakLoop();
                h.close();
            }
        }
        ns.close();
    }

    @Test
    void givenFramesFromThePeer_whenRead_thenEachArrivesByteExact() throws Exception {
        PcapReader reader = new PcapReader(open(READER_IF, SNAPLEN));
        int[] sizes = { 60, 1000, 1514 };
        for (int i = 0; i < sizes.length; i++) {
            peer.sendPacket(frame(sizes[i], i));
        }
        byte[] buffer = new byte[SNAPLEN];
        for (int i = 0; i < sizes.length; i++) {
            int n = nextFrame(reader, buffer);
            assertArrayEquals(frame(sizes[i], i), Arrays.copyOf(buffer, n), "frame " + i);
            assertEquals(sizes[i], reader.capturedLength());
            assertEquals(sizes[i], reader.originalLength());
        }
    }

    @Test
    void givenFramesLongerThanTheSnapLengthOrTheBuffer_whenRead_thenTheyAreCutAndTheLengthsSaySo() throws Exception {
        PcapReader reader = new PcapReader(open(READER_IF, 100));
        peer.sendPacket(frame(300, 1));
        peer.sendPacket(frame(300, 2));

        byte[] buffer = new byte[SNAPLEN];
        assertEquals(100, nextFrame(reader, buffer), "cut at the snap length");
        assertArrayEquals(Arrays.copyOf(frame(300, 1), 100), Arrays.copyOf(buffer, 100));
        assertEquals(100, reader.capturedLength());
        assertEquals(300, reader.originalLength());

        byte[] small = new byte[40];
        assertEquals(40, nextFrame(reader, small), "cut at the buffer's end");
        assertArrayEquals(Arrays.copyOf(frame(300, 2), 40), small);
        assertEquals(100, reader.capturedLength(), "libpcap captured more than the buffer took");
        assertEquals(300, reader.originalLength());
    }

    @Test
    void givenANextWaiting_whenAnotherThreadBreaksTheLoop_thenNextReturnsBreak_andReadingGoesOn() throws Exception {
        PcapHandle h = open(READER_IF, SNAPLEN);
        PcapReader reader = new PcapReader(h);
        byte[] buffer = new byte[SNAPLEN];
        Future<Integer> waiting = waitingNext(reader, buffer);

        long start = System.nanoTime();
        h.breakLoop();
        assertEquals(PcapReader.BREAK, waiting.get(WAIT_MS, TimeUnit.MILLISECONDS));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < 500, "the break woke next after " + millis + " ms");

        peer.sendPacket(frame(60, 7));
        assertEquals(60, nextFrame(reader, buffer), "the next call reads again");
        assertEquals(7, buffer[20]);
    }

    @Test
    void givenFramesWaiting_whenTheLoopIsBrokenBeforeTheyAreRead_thenOneBreakComesAndNoFrameIsLost() throws Exception {
        PcapHandle h = open(READER_IF, SNAPLEN);
        PcapReader reader = new PcapReader(h);
        for (int i = 1; i <= 3; i++) {
            peer.sendPacket(frame(60, i));
        }
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (h.getStats().getNumPacketsReceived() < 3 && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        // libpcap takes a waiting frame, then sees the break: pcap_next_ex says "break" with a frame in hand
        h.breakLoop();

        List<String> seen = new ArrayList<>();
        byte[] buffer = new byte[SNAPLEN];
        while (seen.size() < 4) {
            Future<Integer> read = threads.submit(() -> reader.next(buffer));
            int n;
            try {
                n = read.get(WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                h.breakLoop();
                read.get(WAIT_MS, TimeUnit.MILLISECONDS);
                break;
            }
            seen.add(n == PcapReader.BREAK ? "break" : n == 60 ? "frame " + buffer[20] : "length " + n);
        }
        assertEquals(List.of("frame 1", "frame 2", "frame 3"), seen.stream().filter(s -> !s.equals("break")).toList(),
                "every frame, in order: " + seen);
        assertEquals(1, seen.stream().filter(s -> s.equals("break")).count(), "one break: " + seen);
    }

    @Test
    void givenAClosedHandle_whenReadOrWrapped_thenNotOpen() throws Exception {
        PcapHandle h = open(READER_IF, SNAPLEN);
        PcapReader reader = new PcapReader(h);
        h.close();
        assertThrows(NotOpenException.class, () -> reader.next(new byte[SNAPLEN]));
        assertThrows(NotOpenException.class, () -> new PcapReader(h));
    }

    @Test
    void givenANextWaiting_whenAnotherThreadClosesTheHandle_thenTheCloseWaitsForTheBreak() throws Exception {
        PcapHandle h = open(READER_IF, SNAPLEN);
        PcapReader reader = new PcapReader(h);
        byte[] buffer = new byte[SNAPLEN];
        Future<Integer> waiting = waitingNext(reader, buffer);
        Future<?> closing = threads.submit(h::close);
        Thread.sleep(100);
        assertFalse(closing.isDone(), "close waits while next runs on the handle");

        h.breakLoop();
        assertEquals(PcapReader.BREAK, waiting.get(WAIT_MS, TimeUnit.MILLISECONDS));
        closing.get(WAIT_MS, TimeUnit.MILLISECONDS);
        assertThrows(NotOpenException.class, () -> reader.next(buffer));
    }

    @Test
    void givenAHandleThatCannotCapture_whenRead_thenLibpcapsErrorIsThrown() throws Exception {
        PcapHandle dead = Pcaps.openDead(DataLinkType.EN10MB, SNAPLEN);
        handles.add(dead);
        PcapReader reader = new PcapReader(dead);
        PcapNativeException e = assertThrows(PcapNativeException.class, () -> reader.next(new byte[SNAPLEN]));
        assertTrue(e.getMessage().startsWith("pcap_next_ex failed (PCAP_ERROR): ") && e.getMessage().contains("dead"),
                e.getMessage());
        assertEquals(-1, e.getReturnCode());
    }

    @Test
    void givenBadArguments_thenClearErrors() throws Exception {
        assertThrows(NullPointerException.class, () -> new PcapReader(null));
        PcapReader reader = new PcapReader(open(READER_IF, SNAPLEN));
        assertThrows(IllegalArgumentException.class, () -> reader.next(new byte[0]));
    }

    // ---- helpers --------------------------------------------------------------------------

    /** A handle on {@code ifName} in the test's namespace, inbound frames from the peer's MAC only. */
    PcapHandle open(String ifName, int snaplen) throws Exception {
        PcapHandle h = ns.call(() -> new PcapHandle.Builder(ifName).snaplen(snaplen).bufferSize(4 << 20)
                .promiscuousMode(PromiscuousMode.PROMISCUOUS).immediateMode(true).direction(PcapDirection.IN)
                .build());
        handles.add(h);
        h.setFilter("ether src 02:00:00:00:70:01", BpfCompileMode.OPTIMIZE);
        return h;
    }

    /** A {@code next} on another thread, waiting (no frame has come) 100 ms after it started. */
    Future<Integer> waitingNext(PcapReader reader, byte[] buffer) throws InterruptedException {
        Future<Integer> waiting = threads.submit(() -> reader.next(buffer));
        Thread.sleep(100);
        assertFalse(waiting.isDone(), "no frame: next waits");
        return waiting;
    }

    /** The next frame's length, failing the test if none comes (or a break) within {@link #WAIT_MS}. */
    int nextFrame(PcapReader reader, byte[] buffer) throws Exception {
        Future<Integer> read = threads.submit(() -> reader.next(buffer));
        try {
            int n = read.get(WAIT_MS, TimeUnit.MILLISECONDS);
            assertTrue(n > 0, "next returned " + n + " instead of a frame");
            return n;
        } catch (TimeoutException e) {
            for (PcapHandle h : handles) {
                h.breakLoop(); // let the reading thread go before the handles close
            }
            throw new AssertionError("no frame within " + WAIT_MS + " ms", e);
        }
    }

    /** A broadcast frame from the peer, EtherType 0x88B5 (local experimental), bytes after the header numbered. */
    static byte[] frame(int length, int marker) {
        byte[] f = new byte[length];
        Arrays.fill(f, 0, 6, (byte) 0xff);
        System.arraycopy(PEER_MAC, 0, f, 6, 6);
        f[12] = (byte) 0x88;
        f[13] = (byte) 0xb5;
        for (int i = 14; i < length; i++) {
            f[i] = (byte) (i * 7 + marker);
        }
        f[20] = (byte) marker;
        return f;
    }
}

package org.vnicteam.lib.linux.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.vnicteam.lib.linux.LinkStatistics;

/** The rtnetlink codec without a kernel: requests as bytes, and the parser on good and bad input. */
class RtnetlinkTest {

    /** What the parser reported, in order. */
    static final class Recorder implements Rtnetlink.Visitor {
        final List<Rtnetlink.Link> links = new ArrayList<>();
        final List<int[]> errors = new ArrayList<>();
        final List<String> malformed = new ArrayList<>();

        @Override
        public void link(Rtnetlink.Link link) {
            links.add(link);
        }

        @Override
        public void error(int seq, int errno) {
            errors.add(new int[] { seq, errno });
        }

        @Override
        public void malformed(String why) {
            malformed.add(why);
        }
    }

    /** An RTM_NEWLINK as the kernel writes it: ifinfomsg, then IFNAME, MTU, ADDRESS, CARRIER. */
    static byte[] newLink(int seq, int index, int flags, String name, int carrier) {
        ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
        b.position(16);
        b.put((byte) 0).put((byte) 0).putShort((short) 1).putInt(index).putInt(flags).putInt(0);
        attribute(b, Rtnetlink.IFLA_IFNAME, (name + "\0").getBytes());
        attribute(b, Rtnetlink.IFLA_MTU, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(1500).array());
        attribute(b, Rtnetlink.IFLA_ADDRESS, new byte[] { 2, 0, 0, 0, 0, 9 });
        attribute(b, Rtnetlink.IFLA_CARRIER, new byte[] { (byte) carrier });
        int length = b.position();
        b.putInt(0, length).putShort(4, (short) Rtnetlink.RTM_NEWLINK).putInt(8, seq);
        byte[] out = new byte[length];
        b.get(0, out);
        return out;
    }

    static void attribute(ByteBuffer b, int type, byte[] data) {
        b.putShort((short) (4 + data.length)).putShort((short) type).put(data);
        b.position(Rtnetlink.align(b.position()));
    }

    static Recorder parse(byte[] datagram) {
        Recorder r = new Recorder();
        Rtnetlink.parse(ByteBuffer.wrap(datagram), datagram.length, r);
        return r;
    }

    @Test
    void givenANewLinkMessage_whenParsed_thenNameIndexFlagsCarrierAddressAndMtuAreRead() {
        Recorder r = parse(newLink(7, 42, Rtnetlink.IFF_UP | Rtnetlink.IFF_LOWER_UP, "veth0", 1));
        assertTrue(r.malformed.isEmpty(), r.malformed.toString());
        Rtnetlink.Link l = r.links.get(0);
        assertEquals("veth0", l.name());
        assertEquals(42, l.index());
        assertEquals(7, l.seq());
        assertTrue(l.adminUp());
        assertTrue(l.hasCarrier());
        assertFalse(l.deleted());
        assertEquals(1500, l.mtu());
        assertArrayEquals(new byte[] { 2, 0, 0, 0, 0, 9 }, l.address());
    }

    @Test
    void givenIflaStats64_whenParsed_thenTheFirstEightCountersAreRead_txDroppedBeingTheEighth() {
        ByteBuffer stats = ByteBuffer.allocate(24 * 8).order(ByteOrder.nativeOrder()); // the kernel sends 24 or more
        for (int i = 0; i < 24; i++) {
            stats.putLong(i * 8, 1000L * (i + 1));
        }
        LinkStatistics s = parse(withAttribute(newLink(0, 42, Rtnetlink.IFF_UP, "veth0", 1), Rtnetlink.IFLA_STATS64,
                stats.array())).links.get(0).stats();
        assertEquals(new LinkStatistics(42, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000), s);
        assertEquals(8000, s.txDropped());
        assertEquals(2000, s.txPackets());
    }

    @Test
    void givenNoOrAShortIflaStats64_whenParsed_thenTheLinkHasNoStatistics() {
        assertNull(parse(newLink(0, 1, 0, "x", 1)).links.get(0).stats());
        Recorder r = parse(withAttribute(newLink(0, 1, 0, "x", 1), Rtnetlink.IFLA_STATS64, new byte[7 * 8]));
        assertTrue(r.malformed.isEmpty(), r.malformed.toString());
        assertNull(r.links.get(0).stats(), "fewer than eight counters");
    }

    /** {@code message} with one more attribute at its end, its length updated. */
    static byte[] withAttribute(byte[] message, int type, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(message.length + 4 + data.length + 3).order(ByteOrder.nativeOrder());
        b.put(message);
        attribute(b, type, data);
        int length = b.position();
        b.putInt(0, length);
        byte[] out = new byte[length];
        b.get(0, out);
        return out;
    }

    @Test
    void givenIflaCarrierZero_whenParsed_thenNoCarrierEvenWithLowerUpFlag() {
        Recorder r = parse(newLink(0, 3, Rtnetlink.IFF_UP | Rtnetlink.IFF_LOWER_UP, "a", 0));
        assertFalse(r.links.get(0).hasCarrier());
    }

    @Test
    void givenTwoMessagesInOneDatagram_whenParsed_thenBothAreReported() {
        byte[] one = newLink(0, 1, 0, "x", 0);
        byte[] two = newLink(0, 2, Rtnetlink.IFF_UP, "y", 1);
        byte[] both = new byte[one.length + two.length];
        System.arraycopy(one, 0, both, 0, one.length);
        System.arraycopy(two, 0, both, one.length, two.length);
        Recorder r = parse(both);
        assertEquals(List.of("x", "y"), r.links.stream().map(Rtnetlink.Link::name).toList());
    }

    @Test
    void givenAnErrorMessage_whenParsed_thenSeqAndPositiveErrnoAreReported() {
        ByteBuffer b = ByteBuffer.allocate(36).order(ByteOrder.nativeOrder());
        b.putInt(0, 36).putShort(4, (short) Rtnetlink.NLMSG_ERROR).putInt(8, 99).putInt(16, -19);
        Recorder r = parse(b.array());
        assertEquals(99, r.errors.get(0)[0]);
        assertEquals(19, r.errors.get(0)[1]);
    }

    @Test
    void givenBadLengths_whenParsed_thenMalformedIsReportedAndNothingThrows() {
        byte[] good = newLink(0, 1, 0, "x", 1);
        byte[] tooLong = good.clone();
        ByteBuffer.wrap(tooLong).order(ByteOrder.nativeOrder()).putInt(0, good.length + 100);
        assertEquals(1, parse(tooLong).malformed.size());

        byte[] badAttribute = good.clone();
        ByteBuffer.wrap(badAttribute).order(ByteOrder.nativeOrder()).putShort(32, (short) 2000);
        Recorder r = parse(badAttribute);
        assertEquals(1, r.malformed.size());
        assertTrue(r.links.isEmpty());

        byte[] cut = new byte[24];
        System.arraycopy(good, 0, cut, 0, 24);
        ByteBuffer.wrap(cut).order(ByteOrder.nativeOrder()).putInt(0, 24);
        assertEquals(1, parse(cut).malformed.size(), "a link message shorter than its ifinfomsg");

        assertEquals(1, parse(new byte[] { 1, 2, 3 }).malformed.size(), "trailing bytes");
    }

    @Test
    void givenALinkRequest_thenItNamesTheInterfaceAndHasTheKernelsLayout() {
        ByteBuffer b = ByteBuffer.wrap(Rtnetlink.setAdminUp(5, "eth0", false)).order(ByteOrder.nativeOrder());
        assertEquals(b.capacity(), b.getInt(0));
        assertEquals(Rtnetlink.RTM_NEWLINK, b.getShort(4));
        assertEquals(Rtnetlink.NLM_F_REQUEST | Rtnetlink.NLM_F_ACK, b.getShort(6));
        assertEquals(5, b.getInt(8));
        assertEquals(0, b.getInt(24), "flags: IFF_UP cleared");
        assertEquals(Rtnetlink.IFF_UP, b.getInt(28), "change mask: IFF_UP only");
        assertEquals(Rtnetlink.IFLA_IFNAME, b.getShort(34));
        assertEquals("eth0", new String(b.array(), 36, 4));
    }

    @Test
    void givenBadInterfaceNames_thenTheyAreRefusedWithTheName() {
        for (String bad : new String[] { "", "sixteen-chars-xx", "a b", "a/b", "a:b" }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rtnetlink.checkName(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Rtnetlink.checkName(null));
        assertEquals("veth-a.1", Rtnetlink.checkName("veth-a.1"));
    }
}

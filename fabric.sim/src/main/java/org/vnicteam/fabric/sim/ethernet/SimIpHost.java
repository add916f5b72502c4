package org.vnicteam.fabric.sim.ethernet;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.pcap4j.packet.ArpPacket;
import org.pcap4j.packet.Dot1qVlanTagPacket;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IcmpV4CommonPacket;
import org.pcap4j.packet.IcmpV4EchoPacket;
import org.pcap4j.packet.IcmpV4EchoReplyPacket;
import org.pcap4j.packet.IllegalRawDataException;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc791Tos;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.ArpHardwareType;
import org.pcap4j.packet.namednumber.ArpOperation;
import org.pcap4j.packet.namednumber.EtherType;
import org.pcap4j.packet.namednumber.IcmpV4Code;
import org.pcap4j.packet.namednumber.IcmpV4Type;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.UdpPort;
import org.pcap4j.util.MacAddress;
import org.vnicteam.fabric.sim.ethernet.internal.Macs;
import org.vnicteam.lib.pcap4j.Pcap4j;

/**
 * A simulated IPv4 host on one Ethernet link: it answers ARP for its address and resolves
 * others (an ARP cache; a few packets wait while an address resolves), answers ICMP echo, echoes
 * UDP on port {@value #ECHO_PORT}, pings, sends gratuitous ARP, and sends and measures UDP
 * sequence streams. Frames are built and parsed with pcap4j's packet classes.
 *
 * <p>Usable on its own: give it a {@link FrameSink} for what it sends and feed it what it
 * receives with {@link #receive}. All its state lives on one {@link EventLoop} (its own thread,
 * or one shared with a segment): public methods may be called from any thread and post to the
 * loop; {@link #ping} blocks the caller (never call it on the loop), the rest does not.
 *
 * <p>Received frames it cannot use are counted in one of the drop counters of
 * {@link HostStatus.Counters}; no exception escapes {@link #receive}.
 *
 * <p>Stream datagram payload (big-endian): magic {@value #STREAM_MAGIC} (4), stream id (4),
 * sequence number from 0 (8), send time in loop nanoseconds (8), zero padding to the payload size.
 */
public final class SimIpHost implements AutoCloseable {

    static {
        Pcap4j.init(); // pcap4j's packet factories must see their static binder, also in OSGi
    }

    private static final Logger LOG = Logger.getLogger(SimIpHost.class.getName());

    /** UDP echo port (RFC 862). */
    public static final int ECHO_PORT = 7;
    /** First 4 payload bytes of a stream datagram: "VNTS". */
    public static final int STREAM_MAGIC = 0x564E5453;
    /** Stream header bytes: magic, id, sequence, send time. */
    public static final int STREAM_HEADER = 24;
    /** Largest UDP payload in an untagged 1514-byte frame. */
    public static final int MAX_UDP_PAYLOAD = 1472;
    /** Sequence numbers a stream receiver remembers for telling reordering from duplicates. */
    public static final int REORDER_WINDOW = 1 << 16;
    /** ARP requests are repeated this often ... */
    public static final long ARP_RETRY_NANOS = 250_000_000L;
    /** ... this many times in all before the address counts as unreachable. */
    public static final int ARP_ATTEMPTS = 4;
    /** An ARP cache entry older than this is re-confirmed (and still used meanwhile). */
    public static final long ARP_REFRESH_NANOS = 60_000_000_000L;
    /** Packets that may wait for one address to resolve; more are dropped. */
    public static final int MAX_WAITING = 8;

    private static final MacAddress BROADCAST = MacAddress.ETHER_BROADCAST_ADDRESS;
    private static final MacAddress ZERO_MAC = MacAddress.getByAddress(new byte[6]);
    private static final int FIRST_STREAM_SOURCE_PORT = 49152;

    private final String name;
    private final byte[] mac;
    private final MacAddress macAddress;
    private final Inet4Address ip;
    private final int ipInt;
    private final int prefixLength;
    private final int netmask;
    private final int vlan;
    private final FrameSink sink;
    private final EventLoop loop;
    private final EventLoop.Threaded ownLoop;
    private final AtomicInteger streamIds = new AtomicInteger();
    private volatile boolean closed;

    // ---- state of the event loop ----
    private final Map<Integer, ArpCacheEntry> arpCache = new LinkedHashMap<>();
    private final Map<Integer, Resolution> resolving = new HashMap<>();
    private final Map<Integer, Ping> pings = new HashMap<>();
    private final Map<Integer, TxStream> txStreams = new LinkedHashMap<>();
    private final Map<RxKey, RxStream> rxStreams = new LinkedHashMap<>();
    private short ipIdentification;
    private int nextPingId = 1;

    private long rxFrames;
    private long rxBytes;
    private long txFrames;
    private long txBytes;
    private long arpRequestsAnswered;
    private long arpRepliesReceived;
    private long echoRequestsAnswered;
    private long echoRepliesReceived;
    private long udpEchoed;
    private long streamDatagrams;
    private long droppedMalformed;
    private long droppedNotForUs;
    private long droppedVlan;
    private long droppedUnsupported;
    private long droppedUnresolved;
    private long droppedNoRoute;

    /**
     * A host with an event loop thread of its own ("host-NAME"), closed with the host.
     *
     * @param name host name
     * @param mac its MAC (6 bytes, unicast), or null for one made from the address: 02:00:A:B:C:D
     * @param address "A.B.C.D/LEN", e.g. "198.18.1.11/24"
     * @param transmit where its frames go
     * @throws IllegalArgumentException for a bad address or MAC
     */
    public SimIpHost(String name, byte[] mac, String address, FrameSink transmit) {
        this(name, mac, address, 0, transmit, null);
    }

    /**
     * A host on a given event loop (which it does not close).
     *
     * @param vlan 0 to send untagged frames (the usual case: a host on an access port or above a
     *        VLAN miniport); 1..4094 to tag its frames with that VID and accept only frames so tagged
     * @param loop the loop its state lives on; null for a thread of its own
     */
    public SimIpHost(String name, byte[] mac, String address, int vlan, FrameSink transmit, EventLoop loop) {
        this.name = Objects.requireNonNull(name, "name");
        this.sink = Objects.requireNonNull(transmit, "transmit");
        String[] cidr = address == null ? new String[0] : address.trim().split("/");
        if (cidr.length != 2) {
            throw new IllegalArgumentException("host " + name + ": address '" + address + "' is not A.B.C.D/LEN");
        }
        this.ip = parseIp(cidr[0]);
        try {
            this.prefixLength = Integer.parseInt(cidr[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("host " + name + ": prefix length '" + cidr[1] + "' is not a number");
        }
        if (prefixLength < 1 || prefixLength > 32) {
            throw new IllegalArgumentException("host " + name + ": prefix length must be 1..32, not " + prefixLength);
        }
        if (vlan < 0 || vlan > 4094) {
            throw new IllegalArgumentException("host " + name + ": vlan must be 0..4094, not " + vlan);
        }
        this.ipInt = toInt(ip);
        this.netmask = (int) (0xFFFF_FFFFL << (32 - prefixLength));
        this.mac = mac == null ? defaultMac(ip) : mac.clone();
        if (this.mac.length != 6 || Macs.isMulticast(this.mac)) {
            throw new IllegalArgumentException("host " + name + ": MAC must be 6 bytes and unicast");
        }
        this.macAddress = MacAddress.getByAddress(this.mac);
        this.vlan = vlan;
        if (loop == null) {
            ownLoop = EventLoop.start("host-" + name);
            this.loop = ownLoop;
        } else {
            ownLoop = null;
            this.loop = loop;
        }
    }

    /** The MAC made from an IPv4 address: locally administered 02:00 followed by the address. */
    public static byte[] defaultMac(Inet4Address ip) {
        byte[] a = ip.getAddress();
        return new byte[] { 0x02, 0x00, a[0], a[1], a[2], a[3] };
    }

    /** Parses a dotted-quad IPv4 address (no name lookup). */
    public static Inet4Address parseIp(String text) {
        String t = text == null ? "" : text.trim();
        String[] parts = t.split("\\.");
        if (parts.length != 4) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address A.B.C.D");
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            int v;
            try {
                v = parts[i].matches("\\d{1,3}") ? Integer.parseInt(parts[i]) : -1;
            } catch (NumberFormatException e) {
                v = -1;
            }
            if (v < 0 || v > 255) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address A.B.C.D");
            }
            b[i] = (byte) v;
        }
        return toAddress(b);
    }

    // ---- identity ---------------------------------------------------------------------------------

    public String name() {
        return name;
    }

    public byte[] mac() {
        return mac.clone();
    }

    public String macString() {
        return Macs.format(mac);
    }

    public Inet4Address ip() {
        return ip;
    }

    public int prefixLength() {
        return prefixLength;
    }

    public int vlan() {
        return vlan;
    }

    public EventLoop loop() {
        return loop;
    }

    // ---- receive ------------------------------------------------------------------------------

    /**
     * A frame for this host (complete Ethernet frame without FCS; {@code offset} is an absolute
     * index into {@code frame}). The bytes are used or copied before this returns. Never throws:
     * what the host cannot use is counted.
     */
    public void receive(ByteBuffer frame, int offset, int length) {
        if (closed) {
            return;
        }
        try {
            if (loop.inEventLoop() && frame.hasArray()) {
                handle(frame.array(), frame.arrayOffset() + offset, length, frame.limit() - offset);
                return;
            }
            if (offset < 0 || length < 0 || offset + length > frame.limit()) {
                loop.execute(() -> {
                    rxFrames++;
                    droppedMalformed++;
                });
                return;
            }
            byte[] copy = new byte[length];
            frame.get(offset, copy, 0, length);
            if (loop.inEventLoop()) {
                handle(copy, 0, length, length);
            } else {
                loop.execute(() -> handle(copy, 0, length, length));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "frame not received", e);
        }
    }

    /** A frame for this host, in a byte array of its own length. */
    public void receive(byte[] frame) {
        receive(ByteBuffer.wrap(frame), 0, frame.length);
    }

    private void handle(byte[] a, int off, int len, int available) {
        if (closed) {
            return;
        }
        rxFrames++;
        if (len < 0 || off < 0 || len > available) {
            droppedMalformed++;
            return;
        }
        rxBytes += len;
        try {
            dispatch(a, off, len);
        } catch (IllegalRawDataException | RuntimeException e) {
            droppedMalformed++;
        }
    }

    private void dispatch(byte[] a, int off, int len) throws IllegalRawDataException {
        if (len < 14) {
            droppedMalformed++;
            return;
        }
        EthernetPacket eth = EthernetPacket.newPacket(a, off, len);
        MacAddress dst = eth.getHeader().getDstAddr();
        if (!dst.equals(macAddress) && !dst.equals(BROADCAST)) {
            droppedNotForUs++;
            return;
        }
        EtherType type = eth.getHeader().getType();
        Packet payload = eth.getPayload();
        if (EtherType.DOT1Q_VLAN_TAGGED_FRAMES.equals(type)) {
            if (!(payload instanceof Dot1qVlanTagPacket tag)) {
                droppedMalformed++;
                return;
            }
            if (tag.getHeader().getVidAsInt() != vlan) {
                droppedVlan++;
                return;
            }
            type = tag.getHeader().getType();
            payload = tag.getPayload();
        } else if (vlan != 0) {
            droppedVlan++;
            return;
        }
        if (EtherType.ARP.equals(type)) {
            if (payload instanceof ArpPacket arp) {
                handleArp(arp);
            } else {
                droppedMalformed++;
            }
        } else if (EtherType.IPV4.equals(type)) {
            if (payload instanceof IpV4Packet ip4) {
                handleIpV4(ip4);
            } else {
                droppedMalformed++;
            }
        } else {
            droppedUnsupported++;
        }
    }

    private void handleArp(ArpPacket arp) {
        ArpPacket.ArpHeader h = arp.getHeader();
        if (!ArpHardwareType.ETHERNET.equals(h.getHardwareType()) || !EtherType.IPV4.equals(h.getProtocolType())
                || h.getHardwareAddrLengthAsInt() != 6 || h.getProtocolAddrLengthAsInt() != 4) {
            droppedUnsupported++;
            return;
        }
        int spa = toInt(h.getSrcProtocolAddr());
        int tpa = toInt(h.getDstProtocolAddr());
        MacAddress sha = h.getSrcHardwareAddr();
        if ((sha.getAddress()[0] & 1) != 0) {
            droppedMalformed++; // a group address cannot own an IP address
            return;
        }
        boolean known = spa != 0 && arpCache.containsKey(spa);
        if (known) { // RFC 826: update what we hold, whoever the packet is for (gratuitous ARP too)
            learn(spa, sha);
        }
        boolean request = ArpOperation.REQUEST.equals(h.getOperation());
        boolean reply = ArpOperation.REPLY.equals(h.getOperation());
        if (tpa == ipInt && spa != ipInt) {
            if (!known && spa != 0) {
                learn(spa, sha);
            }
            if (request) {
                arpRequestsAnswered++;
                sendArp(ArpOperation.REPLY, sha, sha, spa);
            } else if (reply) {
                arpRepliesReceived++;
            } else {
                droppedUnsupported++;
            }
        } else if (!known) {
            droppedNotForUs++;
        }
    }

    private void learn(int ipAddr, MacAddress hw) {
        arpCache.put(ipAddr, new ArpCacheEntry(hw, loop.nanoTime()));
        Resolution r = resolving.remove(ipAddr);
        if (r != null) {
            r.timer.cancel();
            for (IpV4Packet.Builder waiting : r.waiting) {
                transmitIp(waiting, hw);
            }
            for (Consumer<MacAddress> w : r.waiters) {
                w.accept(hw);
            }
        }
    }

    private void handleIpV4(IpV4Packet ip4) {
        IpV4Packet.IpV4Header h = ip4.getHeader();
        if (!h.hasValidChecksum(false)) {
            droppedMalformed++;
            return;
        }
        int dst = toInt(h.getDstAddr());
        if (dst != ipInt && dst != -1 && dst != (ipInt | ~netmask)) {
            droppedNotForUs++;
            return;
        }
        if (h.getMoreFragmentFlag() || h.getFragmentOffset() != 0) {
            droppedUnsupported++; // no reassembly here
            return;
        }
        Packet l4 = ip4.getPayload();
        if (IpNumber.ICMPV4.equals(h.getProtocol())) {
            if (l4 instanceof IcmpV4CommonPacket icmp && icmp.hasValidChecksum(false)) {
                handleIcmp(h, icmp);
            } else {
                droppedMalformed++;
            }
        } else if (IpNumber.UDP.equals(h.getProtocol())) {
            if (l4 instanceof UdpPacket udp && udp.hasValidChecksum(h.getSrcAddr(), h.getDstAddr(), true)) {
                handleUdp(h, udp);
            } else {
                droppedMalformed++;
            }
        } else {
            droppedUnsupported++;
        }
    }

    private void handleIcmp(IpV4Packet.IpV4Header ipHeader, IcmpV4CommonPacket icmp) {
        IcmpV4Type type = icmp.getHeader().getType();
        Packet body = icmp.getPayload();
        if (IcmpV4Type.ECHO.equals(type) && body instanceof IcmpV4EchoPacket echo) {
            echoRequestsAnswered++;
            IcmpV4EchoReplyPacket.Builder reply = new IcmpV4EchoReplyPacket.Builder()
                    .identifier(echo.getHeader().getIdentifier())
                    .sequenceNumber(echo.getHeader().getSequenceNumber())
                    .payloadBuilder(echo.getPayload() == null ? null
                            : new UnknownPacket.Builder().rawData(echo.getPayload().getRawData()));
            sendIp(IpNumber.ICMPV4, icmpBuilder(IcmpV4Type.ECHO_REPLY, reply), ipHeader.getSrcAddr());
        } else if (IcmpV4Type.ECHO_REPLY.equals(type) && body instanceof IcmpV4EchoReplyPacket echoReply) {
            echoRepliesReceived++;
            Ping p = pings.get(echoReply.getHeader().getIdentifierAsInt());
            if (p != null) {
                p.replied(echoReply.getHeader().getSequenceNumberAsInt());
            }
        } else {
            droppedUnsupported++;
        }
    }

    private void handleUdp(IpV4Packet.IpV4Header ipHeader, UdpPacket udp) {
        int srcPort = udp.getHeader().getSrcPort().valueAsInt();
        int dstPort = udp.getHeader().getDstPort().valueAsInt();
        byte[] data = udp.getPayload() == null ? new byte[0] : udp.getPayload().getRawData();
        if (dstPort == ECHO_PORT) {
            udpEchoed++;
            sendIp(IpNumber.UDP, udpBuilder(ECHO_PORT, srcPort, ipHeader.getSrcAddr(), data), ipHeader.getSrcAddr());
            return;
        }
        if (data.length >= STREAM_HEADER && getInt(data, 0) == STREAM_MAGIC) {
            long seq = getLong(data, 8);
            if (seq < 0) {
                droppedMalformed++;
                return;
            }
            streamDatagrams++;
            RxKey key = new RxKey(toInt(ipHeader.getSrcAddr()), srcPort, getInt(data, 4));
            rxStreams.computeIfAbsent(key, k -> new RxStream(k, dstPort))
                    .accept(seq, getLong(data, 16), loop.nanoTime());
            return;
        }
        droppedUnsupported++; // nothing listens on that port
    }

    // ---- send ---------------------------------------------------------------------------------

    private void sendArp(ArpOperation op, MacAddress ethDst, MacAddress targetHw, int targetIp) {
        ArpPacket.Builder arp = new ArpPacket.Builder()
                .hardwareType(ArpHardwareType.ETHERNET)
                .protocolType(EtherType.IPV4)
                .hardwareAddrLength((byte) MacAddress.SIZE_IN_BYTES)
                .protocolAddrLength((byte) 4)
                .operation(op)
                .srcHardwareAddr(macAddress)
                .srcProtocolAddr(ip)
                .dstHardwareAddr(targetHw)
                .dstProtocolAddr(toAddress(targetIp));
        transmit(EtherType.ARP, arp, ethDst);
    }

    private void transmit(EtherType type, Packet.Builder payload, MacAddress dst) {
        EthernetPacket.Builder eth = new EthernetPacket.Builder().dstAddr(dst).srcAddr(macAddress).paddingAtBuild(true);
        if (vlan == 0) {
            eth.type(type).payloadBuilder(payload);
        } else {
            eth.type(EtherType.DOT1Q_VLAN_TAGGED_FRAMES).payloadBuilder(new Dot1qVlanTagPacket.Builder()
                    .priority((byte) 0).cfi(false).vid((short) vlan).type(type).payloadBuilder(payload));
        }
        byte[] raw = eth.build().getRawData();
        txFrames++;
        txBytes += raw.length;
        try {
            sink.send(ByteBuffer.wrap(raw), 0, raw.length);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "host " + name + ": transmit failed", e);
        }
    }

    private void transmitIp(IpV4Packet.Builder packet, MacAddress dst) {
        transmit(EtherType.IPV4, packet, dst);
    }

    /** Sends an IPv4 packet: at once when the next hop's MAC is known, else after ARP. */
    private boolean sendIp(IpNumber protocol, Packet.Builder l4, Inet4Address dst) {
        int d = toInt(dst);
        IpV4Packet.Builder packet = new IpV4Packet.Builder()
                .version(IpVersion.IPV4)
                .tos(IpV4Rfc791Tos.newInstance((byte) 0))
                .identification(ipIdentification++)
                .dontFragmentFlag(true)
                .ttl((byte) 64)
                .protocol(protocol)
                .srcAddr(ip)
                .dstAddr(dst)
                .payloadBuilder(l4)
                .correctChecksumAtBuild(true)
                .correctLengthAtBuild(true);
        if (d == -1 || d == (ipInt | ~netmask)) {
            transmitIp(packet, BROADCAST);
            return true;
        }
        if ((d & netmask) != (ipInt & netmask) || d == ipInt) {
            droppedNoRoute++; // no gateway: every peer is on the link
            return false;
        }
        ArpCacheEntry e = arpCache.get(d);
        if (e != null) {
            if (loop.nanoTime() - e.confirmed > ARP_REFRESH_NANOS) {
                resolve(d); // re-confirm, keep using the entry meanwhile
            }
            transmitIp(packet, e.mac);
            return true;
        }
        Resolution r = resolve(d);
        if (r.waiting.size() >= MAX_WAITING) {
            droppedUnresolved++;
        } else {
            r.waiting.add(packet);
        }
        return true;
    }

    private Resolution resolve(int target) {
        Resolution r = resolving.get(target);
        if (r == null) {
            Resolution fresh = new Resolution(target);
            resolving.put(target, fresh);
            fresh.attempt();
            r = fresh;
        }
        return r;
    }

    /** Calls {@code then} on the loop with the MAC of {@code target}, or null if it does not answer. */
    private void whenResolved(int target, Consumer<MacAddress> then) {
        ArpCacheEntry e = arpCache.get(target);
        if (e != null) {
            then.accept(e.mac);
        } else {
            resolve(target).waiters.add(then);
        }
    }

    private static IcmpV4CommonPacket.Builder icmpBuilder(IcmpV4Type type, Packet.Builder body) {
        return new IcmpV4CommonPacket.Builder().type(type).code(IcmpV4Code.NO_CODE).payloadBuilder(body)
                .correctChecksumAtBuild(true);
    }

    private UdpPacket.Builder udpBuilder(int srcPort, int dstPort, Inet4Address dst, byte[] data) {
        return new UdpPacket.Builder()
                .srcPort(UdpPort.getInstance((short) srcPort))
                .dstPort(UdpPort.getInstance((short) dstPort))
                .srcAddr(ip)
                .dstAddr(dst)
                .payloadBuilder(new UnknownPacket.Builder().rawData(data))
                .correctChecksumAtBuild(true)
                .correctLengthAtBuild(true);
    }

    /** Sends one UDP datagram (fire and forget; ARP first when needed). */
    public void sendUdp(Inet4Address dst, int srcPort, int dstPort, byte[] payload) {
        checkPort(srcPort, "source port");
        checkPort(dstPort, "destination port");
        if (payload.length > MAX_UDP_PAYLOAD) {
            throw new IllegalArgumentException("UDP payload up to " + MAX_UDP_PAYLOAD + " bytes, not " + payload.length);
        }
        byte[] data = payload.clone();
        onLoopAsync(() -> sendIp(IpNumber.UDP, udpBuilder(srcPort, dstPort, dst, data), dst));
    }

    /** Broadcasts a gratuitous ARP request for this host's own address (announces its MAC). */
    public void sendGratuitousArp() {
        onLoopAsync(() -> sendArp(ArpOperation.REQUEST, BROADCAST, ZERO_MAC, ipInt));
    }

    // ---- ping ---------------------------------------------------------------------------------

    /**
     * Pings {@code target} {@code count} times, one request after the other (the next as soon as
     * the previous is answered or timed out), and waits for the result. Do not call it on the
     * host's event loop.
     */
    public PingResult ping(Inet4Address target, int count, Duration timeout) {
        if (loop.inEventLoop()) {
            throw new IllegalStateException("ping() blocks: call pingAsync() on the event loop");
        }
        CompletableFuture<PingResult> f = pingAsync(target, count, timeout);
        long waitNanos = timeout.toNanos() * count + ARP_RETRY_NANOS * ARP_ATTEMPTS + 5_000_000_000L;
        try {
            return f.get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pinging " + target.getHostAddress(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("ping failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("host " + name + " did not finish pinging (is its event loop running?)");
        }
    }

    /** {@link #ping(Inet4Address, int, Duration)} with a dotted-quad address. */
    public PingResult ping(String target, int count, Duration timeout) {
        return ping(parseIp(target), count, timeout);
    }

    /** Starts pinging; the future completes on the event loop. */
    public CompletableFuture<PingResult> pingAsync(Inet4Address target, int count, Duration timeout) {
        if (count < 1 || count > 65535) {
            throw new IllegalArgumentException("count must be 1..65535, not " + count);
        }
        long timeoutNanos = timeout.toNanos();
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        CompletableFuture<PingResult> f = new CompletableFuture<>();
        onLoopAsync(() -> {
            int id = nextPingId;
            nextPingId = nextPingId == 0xFFFF ? 1 : nextPingId + 1;
            Ping p = new Ping(id, target, count, timeoutNanos, f);
            pings.put(id, p);
            p.sendNext();
        });
        return f;
    }

    // ---- streams ------------------------------------------------------------------------------

    /**
     * Starts a UDP sequence stream: {@code count} datagrams of {@code payloadSize} bytes to
     * {@code dst:dstPort} at {@code framesPerSecond}, the first once the destination's MAC is
     * known. A stream to port {@value #ECHO_PORT} comes back echoed and is measured by this host.
     *
     * @return the stream id carried in its datagrams
     */
    public int startStream(Inet4Address dst, int dstPort, double framesPerSecond, long count, int payloadSize) {
        checkPort(dstPort, "destination port");
        if (!(framesPerSecond > 0 && framesPerSecond <= 10_000_000)) {
            throw new IllegalArgumentException("framesPerSecond must be in (0, 1e7], not " + framesPerSecond);
        }
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1");
        }
        if (payloadSize < STREAM_HEADER || payloadSize > MAX_UDP_PAYLOAD) {
            throw new IllegalArgumentException("payloadSize must be " + STREAM_HEADER + ".." + MAX_UDP_PAYLOAD);
        }
        int id = streamIds.incrementAndGet();
        TxStream s = new TxStream(id, dst, dstPort, framesPerSecond, count, payloadSize);
        onLoopAsync(() -> {
            txStreams.put(id, s);
            s.start();
        });
        return id;
    }

    /** {@link #startStream(Inet4Address, int, double, long, int)} with a dotted-quad address. */
    public int startStream(String dst, int dstPort, double framesPerSecond, long count, int payloadSize) {
        return startStream(parseIp(dst), dstPort, framesPerSecond, count, payloadSize);
    }

    /** Stops a stream this host sends; unknown or finished ids are ignored. */
    public void stopStream(int streamId) {
        onLoopAsync(() -> {
            TxStream s = txStreams.get(streamId);
            if (s != null) {
                s.stop(TxStreamStatus.State.STOPPED);
            }
        });
    }

    /** What this host received of the streams sent to it. */
    public List<StreamStats> rxStreams() {
        return onLoop(() -> rxStreams.values().stream().map(RxStream::snapshot).toList());
    }

    /** The streams this host sends or sent. */
    public List<TxStreamStatus> txStreams() {
        return onLoop(() -> txStreams.values().stream().map(TxStream::snapshot).toList());
    }

    /** Forgets received-stream stats and finished sent streams. */
    public void clearStreamStats() {
        onLoop(() -> {
            rxStreams.clear();
            txStreams.values().removeIf(s -> s.state != TxStreamStatus.State.RUNNING
                    && s.state != TxStreamStatus.State.RESOLVING);
            return null;
        });
    }

    // ---- status -------------------------------------------------------------------------------

    public HostStatus status() {
        return onLoop(this::snapshot);
    }

    private HostStatus snapshot() {
        long now = loop.nanoTime();
        List<HostStatus.ArpEntry> arp = new ArrayList<>();
        arpCache.forEach((k, v) -> arp.add(new HostStatus.ArpEntry(toAddress(k).getHostAddress(),
                Macs.format(v.mac.getAddress()), now - v.confirmed)));
        return new HostStatus(name, macString(), ip.getHostAddress(), prefixLength, vlan, counters(), arp,
                txStreams.values().stream().map(TxStream::snapshot).toList(),
                rxStreams.values().stream().map(RxStream::snapshot).toList());
    }

    public HostStatus.Counters counters() {
        return onLoop(() -> new HostStatus.Counters(rxFrames, rxBytes, txFrames, txBytes, arpRequestsAnswered,
                arpRepliesReceived, echoRequestsAnswered, echoRepliesReceived, udpEchoed, streamDatagrams,
                droppedMalformed, droppedNotForUs, droppedVlan, droppedUnsupported, droppedUnresolved,
                droppedNoRoute));
    }

    /** The ARP cache entry's MAC for {@code target}, or null. */
    public String arpLookup(Inet4Address target) {
        return onLoop(() -> {
            ArpCacheEntry e = arpCache.get(toInt(target));
            return e == null ? null : Macs.format(e.mac.getAddress());
        });
    }

    /** Stops streams and pings (pending pings complete with what they have); closes its own loop. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        Runnable stop = () -> {
            txStreams.values().forEach(s -> s.stop(TxStreamStatus.State.STOPPED));
            new ArrayList<>(pings.values()).forEach(Ping::finish);
            resolving.values().forEach(r -> r.timer.cancel());
            resolving.clear();
            closed = true;
        };
        if (loop.inEventLoop()) {
            stop.run();
        } else {
            CompletableFuture<Void> done = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    stop.run();
                } finally {
                    done.complete(null);
                }
            });
            try {
                done.get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // the loop is gone: nothing runs any more anyway
            }
            closed = true;
        }
        if (ownLoop != null) {
            ownLoop.close();
        }
    }

    @Override
    public String toString() {
        return "SimIpHost " + name + " " + ip.getHostAddress() + "/" + prefixLength + " " + macString()
                + (vlan == 0 ? "" : " vlan " + vlan);
    }

    // ---- loop helpers -------------------------------------------------------------------------

    private void onLoopAsync(Runnable r) {
        if (loop.inEventLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }

    private <T> T onLoop(Supplier<T> s) {
        // after close nothing mutates the state any more: read it here
        return closed ? s.get() : loop.call(s, "host " + name);
    }

    // ---- small helpers ------------------------------------------------------------------------

    private static void checkPort(int port, String what) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + " must be 1..65535, not " + port);
        }
    }

    static int toInt(InetAddress a) {
        byte[] b = a.getAddress();
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }

    static Inet4Address toAddress(int a) {
        return toAddress(new byte[] { (byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a });
    }

    private static Inet4Address toAddress(byte[] b) {
        try {
            return (Inet4Address) InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static int getInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    private static long getLong(byte[] b, int at) {
        return ((long) getInt(b, at) << 32) | (getInt(b, at + 4) & 0xFFFF_FFFFL);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static void putLong(byte[] b, int at, long v) {
        putInt(b, at, (int) (v >>> 32));
        putInt(b, at + 4, (int) v);
    }

    /** The payload of stream datagram {@code seq}; public for tests that forge streams. */
    public static byte[] streamPayload(int streamId, long seq, long sendNanos, int size) {
        if (size < STREAM_HEADER) {
            throw new IllegalArgumentException("a stream payload has at least " + STREAM_HEADER + " bytes");
        }
        byte[] p = new byte[size];
        putInt(p, 0, STREAM_MAGIC);
        putInt(p, 4, streamId);
        putLong(p, 8, seq);
        putLong(p, 16, sendNanos);
        return p;
    }

    // ---- loop-confined state classes ----------------------------------------------------------

    private record ArpCacheEntry(MacAddress mac, long confirmed) {
    }

    private final class Resolution {
        final int target;
        final ArrayDeque<IpV4Packet.Builder> waiting = new ArrayDeque<>();
        final List<Consumer<MacAddress>> waiters = new ArrayList<>();
        int attempts;
        EventLoop.Cancellable timer = () -> { };

        Resolution(int target) {
            this.target = target;
        }

        void attempt() {
            if (closed) {
                return;
            }
            if (attempts >= ARP_ATTEMPTS) {
                resolving.remove(target);
                arpCache.remove(target); // a refresh that went unanswered: the entry goes too
                droppedUnresolved += waiting.size();
                waiters.forEach(w -> w.accept(null));
                return;
            }
            attempts++;
            sendArp(ArpOperation.REQUEST, BROADCAST, ZERO_MAC, target);
            timer = loop.schedule(ARP_RETRY_NANOS, this::attempt);
        }
    }

    private final class Ping {
        final int id;
        final Inet4Address target;
        final int count;
        final long timeoutNanos;
        final CompletableFuture<PingResult> result;
        final List<Long> rtts = new ArrayList<>();
        int seq = -1;
        int sent;
        long sentAt;
        EventLoop.Cancellable timer = () -> { };

        Ping(int id, Inet4Address target, int count, long timeoutNanos, CompletableFuture<PingResult> result) {
            this.id = id;
            this.target = target;
            this.count = count;
            this.timeoutNanos = timeoutNanos;
            this.result = result;
        }

        void sendNext() {
            if (closed || seq + 1 >= count) {
                finish();
                return;
            }
            seq++;
            sent++;
            sentAt = loop.nanoTime();
            byte[] data = new byte[32];
            putLong(data, 0, sentAt);
            for (int i = 8; i < data.length; i++) {
                data[i] = (byte) i;
            }
            IcmpV4EchoPacket.Builder echo = new IcmpV4EchoPacket.Builder().identifier((short) id)
                    .sequenceNumber((short) seq).payloadBuilder(new UnknownPacket.Builder().rawData(data));
            int mySeq = seq;
            timer = loop.schedule(timeoutNanos, () -> {
                if (seq == mySeq) {
                    sendNext();
                }
            });
            if (!sendIp(IpNumber.ICMPV4, icmpBuilder(IcmpV4Type.ECHO, echo), target)) {
                timer.cancel();
                sent = count; // no route: no request can go out
                seq = count;
                finish();
            }
        }

        void replied(int replySeq) {
            if (replySeq != seq || result.isDone()) {
                return; // late reply of a timed-out request, or a stranger's
            }
            timer.cancel();
            rtts.add(loop.nanoTime() - sentAt);
            sendNext();
        }

        void finish() {
            timer.cancel();
            pings.remove(id);
            result.complete(new PingResult(target.getHostAddress(), sent, rtts.size(), rtts));
        }
    }

    private final class TxStream {
        final int id;
        final Inet4Address dst;
        final int dstPort;
        final int srcPort;
        final double fps;
        final long count;
        final int payloadSize;
        long sent;
        long startNanos = -1;
        TxStreamStatus.State state = TxStreamStatus.State.RESOLVING;
        EventLoop.Cancellable timer = () -> { };

        TxStream(int id, Inet4Address dst, int dstPort, double fps, long count, int payloadSize) {
            this.id = id;
            this.dst = dst;
            this.dstPort = dstPort;
            this.srcPort = FIRST_STREAM_SOURCE_PORT + (id % 16384);
            this.fps = fps;
            this.count = count;
            this.payloadSize = payloadSize;
        }

        void start() {
            int d = toInt(dst);
            if ((d & netmask) != (ipInt & netmask) || d == ipInt) {
                droppedNoRoute++;
                state = TxStreamStatus.State.FAILED;
                return;
            }
            whenResolved(d, m -> {
                if (state != TxStreamStatus.State.RESOLVING) {
                    return;
                }
                if (m == null) {
                    state = TxStreamStatus.State.FAILED;
                    return;
                }
                state = TxStreamStatus.State.RUNNING;
                startNanos = loop.nanoTime();
                tick();
            });
        }

        void tick() {
            if (state != TxStreamStatus.State.RUNNING || closed) {
                return;
            }
            long now = loop.nanoTime();
            long due = Math.min(count, 1 + (long) ((now - startNanos) * fps / 1e9));
            for (int burst = 0; sent < due && burst < 1024; burst++) {
                byte[] payload = streamPayload(id, sent, loop.nanoTime(), payloadSize);
                sent++;
                sendIp(IpNumber.UDP, udpBuilder(srcPort, dstPort, dst, payload), dst);
            }
            if (sent >= count) {
                state = TxStreamStatus.State.DONE;
                return;
            }
            long next = startNanos + (long) Math.ceil(sent * 1e9 / fps);
            timer = loop.schedule(Math.max(0, next - now), this::tick);
        }

        void stop(TxStreamStatus.State why) {
            if (state == TxStreamStatus.State.RUNNING || state == TxStreamStatus.State.RESOLVING) {
                state = why;
                timer.cancel();
            }
        }

        TxStreamStatus snapshot() {
            return new TxStreamStatus(id, dst.getHostAddress() + ":" + dstPort, srcPort, fps, count, sent, state,
                    startNanos);
        }
    }

    private record RxKey(int srcIp, int srcPort, int streamId) {
    }

    /**
     * Receive-side accounting of one stream. A ring of {@link #REORDER_WINDOW} bits remembers which
     * of the latest sequence numbers arrived: a number above the highest opens a gap (counted lost
     * until it arrives), one below fills a gap (reordered, no longer lost) or was seen (duplicate).
     */
    private static final class RxStream {
        final RxKey key;
        final int dstPort;
        final long[] window = new long[REORDER_WINDOW / 64];
        long highest = -1;
        long received;
        long lost;
        long duplicates;
        long reordered;
        long tooLate;
        long firstArrival = -1;
        long lastArrival = -1;
        long maxGap;
        long maxGapAfter = -1;
        long minLatency = Long.MAX_VALUE;
        long maxLatency = Long.MIN_VALUE;
        long latencySum;

        RxStream(RxKey key, int dstPort) {
            this.key = key;
            this.dstPort = dstPort;
        }

        void accept(long seq, long sentAt, long now) {
            if (firstArrival < 0) {
                firstArrival = now;
            } else if (now - lastArrival > maxGap) {
                maxGap = now - lastArrival;
                maxGapAfter = seq;
            }
            lastArrival = now;
            if (seq > highest) {
                long jump = seq - highest;
                if (jump >= REORDER_WINDOW) {
                    java.util.Arrays.fill(window, 0);
                } else {
                    for (long s = highest + 1; s < seq; s++) {
                        clear(s);
                    }
                }
                lost += jump - 1;
                highest = seq;
                mark(seq);
            } else if (highest - seq >= REORDER_WINDOW) {
                tooLate++;
                return;
            } else if (isMarked(seq)) {
                duplicates++;
                return;
            } else {
                mark(seq);
                reordered++;
                lost--;
            }
            received++;
            long latency = now - sentAt;
            minLatency = Math.min(minLatency, latency);
            maxLatency = Math.max(maxLatency, latency);
            latencySum += latency;
        }

        private void mark(long s) {
            int i = (int) (s & (REORDER_WINDOW - 1));
            window[i >>> 6] |= 1L << (i & 63);
        }

        private void clear(long s) {
            int i = (int) (s & (REORDER_WINDOW - 1));
            window[i >>> 6] &= ~(1L << (i & 63));
        }

        private boolean isMarked(long s) {
            int i = (int) (s & (REORDER_WINDOW - 1));
            return (window[i >>> 6] & (1L << (i & 63))) != 0;
        }

        StreamStats snapshot() {
            return new StreamStats(toAddress(key.srcIp()).getHostAddress() + ":" + key.srcPort(), key.streamId(),
                    dstPort, received, lost, duplicates, reordered, tooLate, highest, firstArrival, lastArrival, maxGap,
                    maxGapAfter, received == 0 ? 0 : minLatency, received == 0 ? 0 : maxLatency,
                    received == 0 ? 0 : latencySum / received);
        }
    }
}

package org.vnicteam.api.eoib;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The control messages of protocol version 1 as immutable values. {@link #encode} writes header
 * and body; {@link #decode} checks the header, the body's exact length and every field, and
 * names the field it rejects. Layouts (offsets from the start of the body) are on each record.
 */
public sealed interface ControlMessage {

    /** Longest name in LOGIN / LOGIN_ACK. */
    int MAX_NAME = 64;

    MessageType type();

    /** Body length in bytes. */
    int bodyLength();

    /** Writes the body at {@code off}. */
    void writeBody(ByteBuffer b, int off);

    /** Writes header and body; returns the message length. */
    default int encode(ByteBuffer b, int off, int session, int sequence) {
        int length = MessageHeader.SIZE + bodyLength();
        MessageHeader.write(b, off, type(), 0, length, session, sequence);
        writeBody(b, off + MessageHeader.SIZE);
        return length;
    }

    /** Encodes into a new array (control path). */
    default byte[] toBytes(int session, int sequence) {
        byte[] a = new byte[MessageHeader.SIZE + bodyLength()];
        encode(ByteBuffer.wrap(a), 0, session, sequence);
        return a;
    }

    /** A decoded control message with its header. */
    record Decoded(MessageHeader header, ControlMessage message) {
    }

    /** Decodes a control message (not DATA) of exactly {@code length} bytes at {@code off}. */
    static Decoded decode(ByteBuffer b, int off, int length) throws ProtocolException {
        MessageHeader h = MessageHeader.parse(b, off, length);
        Body body = new Body(b, off, length, h.type().name());
        if (h.flags() != 0) {
            throw body.bad(ProtocolException.Cause.RESERVED_NOT_ZERO, "header.flags", "flags must be 0");
        }
        ControlMessage m = switch (h.type()) {
            case DATA -> throw new ProtocolException(ProtocolException.Cause.UNEXPECTED_TYPE, "header.type",
                    "DATA is not a control message", b, off, length);
            case LOGIN -> Login.read(body);
            case LOGIN_ACK -> LoginAck.read(body);
            case LOGIN_REJECT -> LoginReject.read(body);
            case KEEPALIVE -> Keepalive.read(body);
            case KEEPALIVE_ACK -> KeepaliveAck.read(body);
            case LINK_STATUS -> LinkStatus.read(body);
            case CONFIG_ADDRESSES -> ConfigAddresses.read(body);
            case CONFIG_ACK -> ConfigAck.read(body);
            case STATS_REQUEST -> body.exact(0, StatsRequest.INSTANCE);
            case STATS_REPORT -> StatsReport.read(body);
            case RESET -> Reset.read(body);
        };
        return new Decoded(h, m);
    }

    // ---- messages ---------------------------------------------------------------------------

    /**
     * VNIC → bridge (UD to the login service); header session 0, sequence = nonce.
     *
     * <pre>
     *  0 hostGuid u64 | 8 controlQpn u32 | 12 dataQpn u32 | 16 controlPsn u32 | 20 dataPsn u32
     * 24 keepaliveMicros u32 | 28 maxFrame u16 | 30 nameLength u8 | 31 reserved u8 | 32 name
     * </pre>
     */
    record Login(long hostGuid, int controlQpn, int dataQpn, int controlPsn, int dataPsn, int keepaliveMicros,
            int maxFrame, String vnicName) implements ControlMessage {
        public Login {
            checkQpn("LOGIN.controlQpn", controlQpn);
            checkQpn("LOGIN.dataQpn", dataQpn);
            checkPsn("LOGIN.controlPsn", controlPsn);
            checkPsn("LOGIN.dataPsn", dataPsn);
            checkRange("LOGIN.maxFrame", maxFrame, 64, 0xFFFF);
            checkRange("LOGIN.keepaliveMicros", keepaliveMicros, 1, Integer.MAX_VALUE);
            checkName("LOGIN.name", vnicName);
        }

        @Override
        public MessageType type() {
            return MessageType.LOGIN;
        }

        @Override
        public int bodyLength() {
            return 32 + utf8(vnicName).length;
        }

        @Override
        public void writeBody(ByteBuffer b, int o) {
            byte[] n = utf8(vnicName);
            b.putLong(o, hostGuid).putInt(o + 8, controlQpn).putInt(o + 12, dataQpn).putInt(o + 16, controlPsn)
                    .putInt(o + 20, dataPsn).putInt(o + 24, keepaliveMicros).putShort(o + 28, (short) maxFrame)
                    .put(o + 30, (byte) n.length).put(o + 31, (byte) 0).put(o + 32, n);
        }

        static Login read(Body r) throws ProtocolException {
            r.atLeast(32);
            r.zero(31, "LOGIN.reserved");
            String name = r.name(30, 32, "LOGIN.name");
            return r.build(() -> new Login(r.u64(0), r.i32(8), r.i32(12), r.i32(16), r.i32(20), r.i32(24), r.u16(28),
                    name));
        }
    }

    /**
     * Bridge → VNIC (UD); header session = the new session id, sequence = the LOGIN's nonce.
     *
     * <pre>
     *  0 bridgeGuid u64 | 8 controlQpn u32 | 12 dataQpn u32 | 16 controlPsn u32 | 20 dataPsn u32
     * 24 mac 6 bytes | 30 ethernetMtu u16 | 32 capabilities u32 | 36 linkUp u8 | 37 nameLength u8
     * 38 reserved u16 | 40 name
     * </pre>
     */
    record LoginAck(long bridgeGuid, int controlQpn, int dataQpn, int controlPsn, int dataPsn, byte[] mac,
            int ethernetMtu, int capabilities, boolean linkUp, String bridgeName) implements ControlMessage {

        public static final int CAP_VLAN = 1;
        public static final int CAP_JUMBO = 2;
        public static final int CAP_STATS = 4;
        public static final int CAP_PROBES = 8;

        public LoginAck {
            checkQpn("LOGIN_ACK.controlQpn", controlQpn);
            checkQpn("LOGIN_ACK.dataQpn", dataQpn);
            checkPsn("LOGIN_ACK.controlPsn", controlPsn);
            checkPsn("LOGIN_ACK.dataPsn", dataPsn);
            mac = checkMac("LOGIN_ACK.mac", mac);
            checkRange("LOGIN_ACK.ethernetMtu", ethernetMtu, 64, 0xFFFF);
            checkName("LOGIN_ACK.name", bridgeName);
        }

        @Override
        public byte[] mac() {
            return mac.clone();
        }

        @Override
        public MessageType type() {
            return MessageType.LOGIN_ACK;
        }

        @Override
        public int bodyLength() {
            return 40 + utf8(bridgeName).length;
        }

        @Override
        public void writeBody(ByteBuffer b, int o) {
            byte[] n = utf8(bridgeName);
            b.putLong(o, bridgeGuid).putInt(o + 8, controlQpn).putInt(o + 12, dataQpn).putInt(o + 16, controlPsn)
                    .putInt(o + 20, dataPsn).put(o + 24, mac).putShort(o + 30, (short) ethernetMtu)
                    .putInt(o + 32, capabilities).put(o + 36, (byte) (linkUp ? 1 : 0)).put(o + 37, (byte) n.length)
                    .putShort(o + 38, (short) 0).put(o + 40, n);
        }

        static LoginAck read(Body r) throws ProtocolException {
            r.atLeast(40);
            r.zero(38, "LOGIN_ACK.reserved");
            r.zero(39, "LOGIN_ACK.reserved");
            boolean up = r.bool(36, "LOGIN_ACK.linkUp");
            String name = r.name(37, 40, "LOGIN_ACK.name");
            return r.build(() -> new LoginAck(r.u64(0), r.i32(8), r.i32(12), r.i32(16), r.i32(20), r.bytes(24, 6),
                    r.u16(30), r.i32(32), up, name));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof LoginAck a && bridgeGuid == a.bridgeGuid && controlQpn == a.controlQpn
                    && dataQpn == a.dataQpn && controlPsn == a.controlPsn && dataPsn == a.dataPsn
                    && Arrays.equals(mac, a.mac) && ethernetMtu == a.ethernetMtu && capabilities == a.capabilities
                    && linkUp == a.linkUp && bridgeName.equals(a.bridgeName);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(bridgeGuid) * 31 + Arrays.hashCode(mac);
        }
    }

    /** Bridge → VNIC (UD): {@code 0 reason u16 | 2 textLength u8 | 3 reserved u8 | 4 text}. */
    record LoginReject(int reason, String text) implements ControlMessage {
        public static final int BUSY = 1;
        public static final int VERSION = 2;
        public static final int SHUTTING_DOWN = 3;
        public static final int BAD_REQUEST = 4;

        public LoginReject {
            checkRange("LOGIN_REJECT.reason", reason, 0, 0xFFFF);
            checkName("LOGIN_REJECT.text", text);
        }

        @Override
        public MessageType type() {
            return MessageType.LOGIN_REJECT;
        }

        @Override
        public int bodyLength() {
            return 4 + utf8(text).length;
        }

        @Override
        public void writeBody(ByteBuffer b, int o) {
            byte[] t = utf8(text);
            b.putShort(o, (short) reason).put(o + 2, (byte) t.length).put(o + 3, (byte) 0).put(o + 4, t);
        }

        static LoginReject read(Body r) throws ProtocolException {
            r.atLeast(4);
            r.zero(3, "LOGIN_REJECT.reserved");
            String text = r.name(2, 4, "LOGIN_REJECT.text");
            return r.build(() -> new LoginReject(r.u16(0), text));
        }
    }

    /** VNIC → bridge: {@code 0 senderNanos u64}, echoed in the answer for round-trip time. */
    record Keepalive(long senderNanos) implements ControlMessage {
        @Override
        public MessageType type() {
            return MessageType.KEEPALIVE;
        }

        @Override
        public int bodyLength() {
            return 8;
        }

        @Override
        public void writeBody(ByteBuffer b, int o) {
            b.putLong(o, senderNanos);
        }

        static Keepalive read(Body r) throws ProtocolException {
            r.exactLength(8);
            return new Keepalive(r.u64(0));
        }
    }

    /**
     * Bridge → VNIC: {@code 0 echoedNanos u64 | 8 lastSequenceOnWire u32 | 12 linkUp u8 | 13 reserved 3}.
     */
    record KeepaliveAck(long echoedNanos, int lastSequenceOnWire, boolean linkUp) implements ControlMessage {
        @Override
        public MessageType type() {
            return MessageType.KEEPALIVE_ACK;
        }

        @Override
        public int bodyLength() {
            return 16;
        }

        @Override
        public void writeBody(ByteBuffer b, int o) {
            b.putLong(o, echoedNanos).putInt(o + 8, lastSequenceOnWire).put(o + 12, (byte) (linkUp ? 1 : 0))
                    .put(o + 13, (byte) 0).putShort(o + 14, (short) 0);
        }

        static KeepaliveAck read(Body r) throws ProtocolException {
            r.exactLength(16);
            r.zero(13, "KEEPALIVE_ACK.reserved");
            r.zero(14, "KEEPALIVE_ACK.reserved");
            r.zero(15, "KEEPALIVE_ACK.reserved");
            return new KeepaliveAck(r.u64(0), r.i32(8), r.bool(12, "KEEPALIVE_ACK.linkUp"));
        }
    }

    /**
     * Bridge → VNIC, sent at once on every carrier change, and on every change of the bridge's
     * Ethernet path as its probes tell (cause {@link #CAUSE_PROBES_LOST}).
     *
     * <pre>
     *  0 linkUp u8 | 1 cause u8 | 2 reserved u16 | 4 lastSequenceOnWire u32 | 8 carrierChanges u32
     * 12 reserved u32 | 16 eventNanos u64
     * </pre>
     *
     * {@code lastSequenceOnWire} is the sequence number of the last DATA frame the bridge put on
     * its Ethernet port: every later frame must be sent again through another bridge.
     *
     * <p>Cause {@link #CAUSE_PROBES_LOST} with {@code linkUp} false: the carrier is up, but on a
     * VLAN of the session the bridge has heard nothing (no probe of a peer bridge of the same
     * team, no other frame) for its probe window. With {@code linkUp} true: heard again. Any
     * {@code linkUp} true means carrier up and path up; a carrier loss (cause
     * {@link #CAUSE_CARRIER}) wins over the path.
     */
    record LinkStatus(boolean linkUp, int cause, int lastSequenceOnWire, int carrierChanges, long eventNanos)
            implements ControlMessage {
        public static final int CAUSE_CARRIER = 0;
        public static final int CAUSE_ADMIN = 1;
        public static final int CAUSE_PROBES_LOST = 2;
        public static final int CAUSE_SHUTDOWN = 3;

        public LinkStatus {
            checkRange("LINK_STATUS.cause", cause, 0, 3);
        }

        @Override
        public MessageType type() {
            return MessageType.LINK_STATUS;
        }

        @Override
        public int bodyLength() {
            return 24;
        }

        @Override
        public void writeBody(ByteBuffer b, int o) {
            b.put(o, (byte) (linkUp ? 1 : 0)).put(o + 1, (byte) cause).putShort(o + 2, (short) 0)
                    .putInt(o + 4, lastSequenceOnWire).putInt(o + 8, carrierChanges).putInt(o + 12, 0)
                    .putLong(o + 16, eventNanos);
        }

        static LinkStatus read(Body r) throws ProtocolException {
            r.exactLength(24);
            r.zero(2, "LINK_STATUS.reserved");
            r.zero(3, "LINK_STATUS.reserved");
            for (int i = 12; i < 16; i++) {
                r.zero(i, "LINK_STATUS.reserved");
            }
            boolean up = r.bool(0, "LINK_STATUS.linkUp");
            // Without a lambda: a VNIC's first LINK_STATUS is often a failure, decoded on the fabric's
            // thread before the fail-over it starts, and spinning a lambda's class there costs
            // milliseconds in which no packet moves.
            try {
                return new LinkStatus(up, r.u8(1), r.i32(4), r.i32(8), r.u64(16));
            } catch (IllegalArgumentException e) {
                throw r.invalid(e);
            }
        }
    }

    /**
     * VNIC → bridge: {@code 0 teamMac 6 bytes | 6 count u16 | 8 count × vlan u16} (VLAN 0 =
     * untagged frames). Replaces whatever was programmed before.
     */
    record ConfigAddresses(byte[] teamMac, List<Integer> vlans) implements ControlMessage {
        public ConfigAddresses {
            teamMac = checkMac("CONFIG_ADDRESSES.teamMac", teamMac);
            vlans = List.copyOf(vlans);
            if (vlans.size() > 4095) {
                throw new IllegalArgumentException("CONFIG_ADDRESSES.count: at most 4095 VLANs");
            }
            for (int v : vlans) {
                checkRange("CONFIG_ADDRESSES.vlan", v, 0, 4094);
            }
        }

        @Override
        public byte[] teamMac() {
            return teamMac.clone();
        }

        @Override
        public MessageType type() {
            return MessageType.CONFIG_ADDRESSES;
        }

        @Override
        public int bodyLength() {
            return 8 + 2 * vlans.size();
        }

        @Override
        public void writeBody(ByteBuffer b, int o) {
            b.put(o, teamMac).putShort(o + 6, (short) vlans.size());
            for (int i = 0; i < vlans.size(); i++) {
                b.putShort(o + 8 + 2 * i, (short) (int) vlans.get(i));
            }
        }

        static ConfigAddresses read(Body r) throws ProtocolException {
            r.atLeast(8);
            int n = r.u16(6);
            r.exactLength(8 + 2 * n);
            Integer[] v = new Integer[n];
            for (int i = 0; i < n; i++) {
                v[i] = r.u16(8 + 2 * i);
            }
            return r.build(() -> new ConfigAddresses(r.bytes(0, 6), List.of(v)));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ConfigAddresses c && Arrays.equals(teamMac, c.teamMac) && vlans.equals(c.vlans);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(teamMac) * 31 + vlans.hashCode();
        }
    }

    /** Bridge → VNIC: {@code 0 status u16 | 2 reserved u16}; status 0 = applied. */
    record ConfigAck(int status) implements ControlMessage {
        public static final int OK = 0;
        public static final int TOO_MANY_VLANS = 1;

        public ConfigAck {
            checkRange("CONFIG_ACK.status", status, 0, 0xFFFF);
        }

        @Override
        public MessageType type() {
            return MessageType.CONFIG_ACK;
        }

        @Override
        public int bodyLength() {
            return 4;
        }

        @Override
        public void writeBody(ByteBuffer b, int o) {
            b.putShort(o, (short) status).putShort(o + 2, (short) 0);
        }

        static ConfigAck read(Body r) throws ProtocolException {
            r.exactLength(4);
            r.zero(2, "CONFIG_ACK.reserved");
            r.zero(3, "CONFIG_ACK.reserved");
            return new ConfigAck(r.u16(0));
        }
    }

    /** VNIC → bridge: no body. */
    enum StatsRequest implements ControlMessage {
        INSTANCE;

        @Override
        public MessageType type() {
            return MessageType.STATS_REQUEST;
        }

        @Override
        public int bodyLength() {
            return 0;
        }

        @Override
        public void writeBody(ByteBuffer b, int off) {
        }
    }

    /**
     * Bridge → VNIC: ten u64 counters in this order: txFrames, txBytes (to Ethernet), rxFrames,
     * rxBytes (from Ethernet to the host), droppedOversize, droppedNoCarrier, droppedFiltered,
     * droppedMalformed, carrierChanges, lastSequenceOnWire.
     */
    record StatsReport(long txFrames, long txBytes, long rxFrames, long rxBytes, long droppedOversize,
            long droppedNoCarrier, long droppedFiltered, long droppedMalformed, long carrierChanges,
            long lastSequenceOnWire) implements ControlMessage {
        @Override
        public MessageType type() {
            return MessageType.STATS_REPORT;
        }

        @Override
        public int bodyLength() {
            return 80;
        }

        @Override
        public void writeBody(ByteBuffer b, int o) {
            long[] v = { txFrames, txBytes, rxFrames, rxBytes, droppedOversize, droppedNoCarrier, droppedFiltered,
                    droppedMalformed, carrierChanges, lastSequenceOnWire };
            for (int i = 0; i < v.length; i++) {
                b.putLong(o + 8 * i, v[i]);
            }
        }

        static StatsReport read(Body r) throws ProtocolException {
            r.exactLength(80);
            return new StatsReport(r.u64(0), r.u64(8), r.u64(16), r.u64(24), r.u64(32), r.u64(40), r.u64(48),
                    r.u64(56), r.u64(64), r.u64(72));
        }
    }

    /** Either way: {@code 0 reason u16 | 2 reserved u16}. The session ends. */
    record Reset(int reason) implements ControlMessage {
        public static final int SHUTDOWN = 1;
        public static final int PROTOCOL_ERROR = 2;
        public static final int REPLACED = 3;

        public Reset {
            checkRange("RESET.reason", reason, 0, 0xFFFF);
        }

        @Override
        public MessageType type() {
            return MessageType.RESET;
        }

        @Override
        public int bodyLength() {
            return 4;
        }

        @Override
        public void writeBody(ByteBuffer b, int o) {
            b.putShort(o, (short) reason).putShort(o + 2, (short) 0);
        }

        static Reset read(Body r) throws ProtocolException {
            r.exactLength(4);
            r.zero(2, "RESET.reserved");
            r.zero(3, "RESET.reserved");
            return new Reset(r.u16(0));
        }
    }

    // ---- field checks ---------------------------------------------------------------------

    private static void checkQpn(String field, int qpn) {
        checkRange(field, qpn, 2, 0xFFFFFF);
    }

    private static void checkPsn(String field, int psn) {
        checkRange(field, psn, 0, 0xFFFFFF);
    }

    private static void checkRange(String field, int v, int min, int max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(field + ": " + v + " is outside " + min + ".." + max);
        }
    }

    private static byte[] checkMac(String field, byte[] mac) {
        if (mac == null || mac.length != 6) {
            throw new IllegalArgumentException(field + ": a MAC address is 6 bytes");
        }
        return mac.clone();
    }

    private static void checkName(String field, String name) {
        if (name == null || utf8(name).length > MAX_NAME) {
            throw new IllegalArgumentException(field + ": at most " + MAX_NAME + " UTF-8 bytes");
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads a body and turns every bad field into a ProtocolException that shows the bytes. */
    final class Body {
        private final ByteBuffer b;
        private final int msgOff;
        private final int msgLen;
        private final int off;
        private final int len;
        private final String type;

        Body(ByteBuffer b, int msgOff, int msgLen, String type) {
            this.b = b;
            this.msgOff = msgOff;
            this.msgLen = msgLen;
            this.off = msgOff + MessageHeader.SIZE;
            this.len = msgLen - MessageHeader.SIZE;
            this.type = type;
        }

        ProtocolException bad(ProtocolException.Cause c, String field, String problem) {
            return new ProtocolException(c, field, problem, b, msgOff, msgLen);
        }

        void atLeast(int n) throws ProtocolException {
            if (len < n) {
                throw bad(ProtocolException.Cause.TRUNCATED, type, "body of " + len + " bytes, needs at least " + n);
            }
        }

        void exactLength(int n) throws ProtocolException {
            if (len != n) {
                throw bad(len < n ? ProtocolException.Cause.TRUNCATED : ProtocolException.Cause.BAD_LENGTH, type,
                        "body of " + len + " bytes, must be " + n);
            }
        }

        ControlMessage exact(int n, ControlMessage m) throws ProtocolException {
            exactLength(n);
            return m;
        }

        void zero(int at, String field) throws ProtocolException {
            if (b.get(off + at) != 0) {
                throw bad(ProtocolException.Cause.RESERVED_NOT_ZERO, field, "reserved byte at body offset " + at
                        + " is not zero");
            }
        }

        boolean bool(int at, String field) throws ProtocolException {
            int v = u8(at);
            if (v > 1) {
                throw bad(ProtocolException.Cause.BAD_FIELD, field, "must be 0 or 1, is " + v);
            }
            return v == 1;
        }

        /** A name whose length byte is at {@code lenAt} and which fills the body from {@code at}. */
        String name(int lenAt, int at, String field) throws ProtocolException {
            int n = u8(lenAt);
            if (n > MAX_NAME) {
                throw bad(ProtocolException.Cause.BAD_FIELD, field, "length " + n + " exceeds " + MAX_NAME);
            }
            exactLength(at + n);
            return new String(bytes(at, n), StandardCharsets.UTF_8);
        }

        <T> T build(java.util.function.Supplier<T> constructor) throws ProtocolException {
            try {
                return constructor.get();
            } catch (IllegalArgumentException e) {
                throw invalid(e);
            }
        }

        /** A constructor's complaint ("FIELD: problem") as the protocol error of that field. */
        ProtocolException invalid(IllegalArgumentException e) {
            String m = e.getMessage();
            int colon = m.indexOf(':');
            return bad(ProtocolException.Cause.BAD_FIELD, colon > 0 ? m.substring(0, colon) : type,
                    colon > 0 ? m.substring(colon + 2) : m);
        }

        int u8(int at) {
            return b.get(off + at) & 0xFF;
        }

        int u16(int at) {
            return b.getShort(off + at) & 0xFFFF;
        }

        int i32(int at) {
            return b.getInt(off + at);
        }

        long u64(int at) {
            return b.getLong(off + at);
        }

        byte[] bytes(int at, int n) {
            byte[] a = new byte[n];
            b.get(off + at, a);
            return a;
        }
    }
}

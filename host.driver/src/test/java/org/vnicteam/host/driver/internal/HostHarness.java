package org.vnicteam.host.driver.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import org.vnicteam.api.host.Miniport;
import org.vnicteam.api.host.UpperBinding;
import org.vnicteam.api.verbs.Hca;
import org.vnicteam.fabric.sim.SimulatedFabric;
import org.vnicteam.host.vnic.internal.BridgeDouble;
import org.vnicteam.host.vnic.internal.VnicChannel;
import org.vnicteam.host.vnic.internal.VnicSettings;

/**
 * The whole host side wired by hand as SCR would wire it (miniport edge, team, protocol edge,
 * miniports with recording upper bindings, real VNICs) over the simulated fabric, with bridge
 * test doubles at the far end. Lets unit tests follow a frame through every part.
 */
final class HostHarness implements AutoCloseable {

    static final long WAIT_NANOS = 10_000_000_000L;
    static final int TEST_ETHERTYPE = 0x88B5;

    final SimulatedFabric fabric = SimulatedFabric.createDefault("host-harness");
    final Hca server;
    final MiniportEdgeComponent edge = new MiniportEdgeComponent();
    final TeamComponent team;
    final ProtocolEdgeComponent protocol;
    final Map<String, BridgeDouble> bridges = new LinkedHashMap<>();
    final Map<String, VnicChannel> vnics = new LinkedHashMap<>();
    final Map<Integer, Recorder> uppers = new LinkedHashMap<>();
    final Map<Integer, MiniportComponent> miniports = new LinkedHashMap<>();

    /** An upper binding that records what comes up and sends what the test gives it. */
    static final class Recorder implements UpperBinding {
        final List<byte[]> received = new CopyOnWriteArrayList<>();
        final List<Boolean> media = new CopyOnWriteArrayList<>();
        volatile Miniport miniport;

        @Override
        public void bind(Miniport m) {
            miniport = m;
        }

        @Override
        public void unbind(Miniport m) {
            miniport = null;
        }

        @Override
        public void receive(ByteBuffer frame, int offset, int length) {
            byte[] f = new byte[length];
            frame.get(offset, f);
            received.add(f);
        }

        @Override
        public void mediaStateChanged(boolean connected) {
            media.add(connected);
        }

        boolean send(byte[] f) {
            return miniport.send(ByteBuffer.wrap(f), 0, f.length);
        }
    }

    HostHarness(Map<String, Object> teamConfig) throws Exception {
        this(teamConfig, UnaryOperator.identity());
    }

    /** As above, the protocol edge seeing the team through {@code wrap} (to watch what it is told). */
    HostHarness(Map<String, Object> teamConfig, UnaryOperator<TeamCore> wrap) throws Exception {
        server = fabric.open("server");
        team = new TeamComponent(edge, Configs.of(TeamComponent.Config.class, teamConfig));
        protocol = new ProtocolEdgeComponent(wrap.apply(team), edge);
    }

    BridgeDouble bridge(String adapter) throws Exception {
        BridgeDouble b = new BridgeDouble(fabric, adapter);
        bridges.put(adapter, b);
        return b;
    }

    VnicChannel vnic(VnicSettings settings) throws Exception {
        VnicChannel v = new VnicChannel(server, settings);
        vnics.put(settings.name(), v);
        protocol.addVnic(v);
        return v;
    }

    Recorder miniport(String name, int vlan, String ip) {
        Recorder r = new Recorder();
        MiniportComponent m = new MiniportComponent(r, Configs.of(MiniportComponent.Config.class,
                Map.of("name", name, "vlan", vlan, "ip_address", ip)));
        uppers.put(vlan, r);
        miniports.put(vlan, m);
        edge.addMiniport(m);
        return r;
    }

    /** A test frame from the team MAC to a client, untagged, carrying {@code id}. */
    static byte[] frame(int id, int length) {
        ByteBuffer b = ByteBuffer.allocate(length);
        b.put(0, new byte[] { 2, 0, (byte) 198, 18, 1, 11 });
        b.put(6, Frames.parseMac("02:76:6e:00:00:01"));
        b.putShort(12, (short) TEST_ETHERTYPE).putInt(14, id);
        return b.array();
    }

    /** A frame as a client would send it to the team MAC, tagged with {@code vid} (or untagged for -1). */
    static byte[] fromClient(int id, int vid) {
        ByteBuffer b = ByteBuffer.allocate(vid >= 0 ? 64 : 60);
        b.put(0, Frames.parseMac("02:76:6e:00:00:01"));
        b.put(6, new byte[] { 2, 0, (byte) 198, 18, 1, 11 });
        int at = 12;
        if (vid >= 0) {
            b.putShort(12, (short) 0x8100).putShort(14, (short) vid);
            at = 16;
        }
        b.putShort(at, (short) TEST_ETHERTYPE).putInt(at + 2, id);
        return b.array();
    }

    /** The id of a test frame (tagged or not), or -1 for any other frame. */
    static int id(byte[] f) {
        ByteBuffer b = ByteBuffer.wrap(f);
        int at = (b.getShort(12) & 0xFFFF) == 0x8100 ? 16 : 12;
        return (b.getShort(at) & 0xFFFF) == TEST_ETHERTYPE ? b.getInt(at + 2) : -1;
    }

    static int vid(byte[] f) {
        ByteBuffer b = ByteBuffer.wrap(f);
        return (b.getShort(12) & 0xFFFF) == 0x8100 ? b.getShort(14) & 0x0FFF : -1;
    }

    static int etherType(byte[] f) {
        ByteBuffer b = ByteBuffer.wrap(f);
        int at = (b.getShort(12) & 0xFFFF) == 0x8100 ? 16 : 12;
        return b.getShort(at) & 0xFFFF;
    }

    /** Test-frame ids on a bridge's wire, in wire order. */
    static List<Integer> ids(BridgeDouble b) {
        List<Integer> out = new ArrayList<>();
        for (byte[] f : b.wireFrames()) {
            int id = id(f);
            if (id >= 0) {
                out.add(id);
            }
        }
        return out;
    }

    static void waitFor(BooleanSupplier c, java.util.function.Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out: " + what.get());
            }
            Thread.sleep(1);
        }
    }

    @Override
    public void close() {
        for (VnicChannel v : vnics.values()) {
            protocol.removeVnic(v);
            v.close();
        }
        team.deactivate();
        fabric.close();
    }
}

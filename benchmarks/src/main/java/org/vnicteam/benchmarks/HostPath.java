package org.vnicteam.benchmarks;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.vnicteam.api.host.Miniport;
import org.vnicteam.api.host.TeamStatus;
import org.vnicteam.api.host.UpperBinding;
import org.vnicteam.api.verbs.Hca;
import org.vnicteam.fabric.sim.SimulatedFabric;
import org.vnicteam.host.driver.internal.DriverAssembly;
import org.vnicteam.host.vnic.internal.VnicChannel;
import org.vnicteam.host.vnic.internal.VnicSettings;

/**
 * The embedded host path for the benchmarks, without a framework: the default two-switch
 * simulated fabric, two lean bridges ({@link BenchBridge}) on bridgeA and bridgeB, and the host
 * side as SCR wires it — VNICs A (priority 200, active) and B (100, backup), the team (up delay 0),
 * one VLAN 1 miniport whose upper binding is the benchmark thread itself.
 */
final class HostPath implements AutoCloseable {

    final SimulatedFabric fabric = SimulatedFabric.createDefault("bench");
    final Hca server;
    final BenchBridge a;
    final BenchBridge b;
    final DriverAssembly driver;
    final VnicChannel vnicA;
    final VnicChannel vnicB;
    final Miniport vlan1;

    /** The upper binding: frames come from the benchmark thread, frames going up are ignored. */
    static final class Source implements UpperBinding {
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
        }

        @Override
        public void mediaStateChanged(boolean connected) {
        }
    }

    HostPath() throws Exception {
        server = fabric.open("server");
        a = new BenchBridge(fabric, "bridgeA");
        b = new BenchBridge(fabric, "bridgeB");
        driver = new DriverAssembly(Map.of("up_delay_millis", 0L));
        vlan1 = driver.miniport("vlan1", 1, "198.18.1.1", new Source());
        // a patient keep-alive: the benchmark keeps both cores busy; a stall must not look like a dead bridge
        vnicA = new VnicChannel(server, VnicSettings.defaults("vnicA", "bridgeA").withPriority(200, false)
                .withKeepalive(50_000_000L, 10));
        driver.addVnic(vnicA);
        waitFor(() -> "vnicA".equals(driver.team().active()), "A active");
        vnicB = new VnicChannel(server, VnicSettings.defaults("vnicB", "bridgeB").withPriority(100, false)
                .withKeepalive(50_000_000L, 10));
        driver.addVnic(vnicB);
        waitFor(this::bothUsable, "B backup");
    }

    boolean bothUsable() {
        TeamStatus s = driver.team().status();
        return s.members().size() == 2 && s.members().stream().allMatch(m -> m.role() != TeamStatus.Role.FAILED);
    }

    static void waitFor(BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(1);
        }
    }

    /** An untagged frame from the team MAC to a client on VLAN 1. */
    static ByteBuffer frame(int size) {
        ByteBuffer f = ByteBuffer.allocate(size);
        f.put(0, new byte[] { 2, 0, (byte) 198, 18, 1, 11 }).put(6, new byte[] { 2, 0x76, 0x6e, 0, 0, 1 })
                .putShort(12, (short) 0x0800);
        return f;
    }

    @Override
    public void close() {
        driver.close();
        vnicA.close();
        vnicB.close();
        fabric.close();
    }
}

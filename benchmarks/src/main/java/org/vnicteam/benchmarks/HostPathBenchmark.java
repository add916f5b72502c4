package org.vnicteam.benchmarks;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Frames per second through the embedded host path: upper binding → VLAN miniport (802.1Q tag) →
 * team → active VNIC (replay ring, DATA header) → RC data queue pair → simulated fabric (two
 * switches) → the bridge's IB side, counted as put on its wire. One operation = one frame that
 * reached the bridge. The sender keeps at most {@value #WINDOW} frames ahead of the bridge, as a
 * NIC driver bounds its queue. Gbit/s = ops/s × size × 8 / 10^9.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
public class HostPathBenchmark {

    static final int BATCH = 4096;
    static final int WINDOW = 1024;

    @Param({ "64", "1500" })
    int size;

    private HostPath path;
    private ByteBuffer frame;
    private long sent;
    private long refused;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        path = new HostPath();
        frame = HostPath.frame(size);
        sent = path.a.frames;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.println("\nframes refused on the way (counted and retried): " + refused + "; active "
                + path.driver.team().active() + "; VNIC A " + path.vnicA.status().traffic());
        path.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long frames() {
        BenchBridge bridge = path.a;
        long target = sent + BATCH;
        while (sent < target) {
            if (sent - bridge.frames >= WINDOW) {
                Thread.onSpinWait();
                continue;
            }
            if (path.vlan1.send(frame, 0, size)) {
                sent++;
            } else {
                refused++;
                Thread.onSpinWait();
            }
        }
        while (bridge.frames < sent) {
            Thread.onSpinWait();
        }
        return sent;
    }
}

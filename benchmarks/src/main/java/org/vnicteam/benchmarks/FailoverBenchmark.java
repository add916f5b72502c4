package org.vnicteam.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.vnicteam.api.host.TeamStatus;

/**
 * Embedded fail-over time: from the link event (the active bridge's carrier goes down and it
 * sends LINK_STATUS, {@link BenchBridge#setLink}) to the first frame through the backup arriving at
 * the backup bridge — LINK_STATUS over the fabric, the VNIC's watcher, the team's runner, the
 * action step (learning frame, replay), the frame over the fabric to bridge B. Each invocation cuts
 * the active member's bridge; the next one restores it (it comes back as backup) and cuts the
 * other, so the team goes A→B, B→A, ... The restore is not timed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
public class FailoverBenchmark {

    private HostPath path;
    private BenchBridge cut;
    private BenchBridge other;
    private long teamFirstFrameNanos;
    private long samples;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        path = new HostPath();
    }

    /** Not timed: the bridge cut last time is back (as backup); the active one is cut next. */
    @Setup(Level.Invocation)
    public void restore() throws Exception {
        if (cut != null) {
            cut.setLink(true);
            HostPath.waitFor(path::bothUsable, "both members usable again");
        }
        boolean aActive = "vnicA".equals(path.driver.team().active());
        cut = aActive ? path.a : path.b;
        other = aActive ? path.b : path.a;
        other.arm();
    }

    @Benchmark
    public long failover() {
        long t0 = System.nanoTime();
        cut.setLink(false);
        while (other.firstFrameNanos == 0) {
            Thread.onSpinWait();
        }
        return other.firstFrameNanos - t0;
    }

    @TearDown(Level.Invocation)
    public void record() {
        TeamStatus.FailoverRecord f = path.driver.team().status().lastFailover();
        if (f != null && f.firstFrameNanos() > 0) {
            teamFirstFrameNanos += f.firstFrameNanos();
            samples++;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.println("\nfail-overs: " + path.driver.team().status().failovers() + "; mean time from the VNIC's"
                + " report to the first frame posted through the new member (team's own measure): "
                + (samples == 0 ? 0 : teamFirstFrameNanos / samples / 1000.0) + " us");
        path.close();
    }
}

package org.vnicteam.benchmarks;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
import org.openjdk.jmh.infra.Blackhole;
import org.vnicteam.api.verbs.CompletionQueue;
import org.vnicteam.api.verbs.Hca;
import org.vnicteam.api.verbs.QpInitAttributes;
import org.vnicteam.api.verbs.QueuePair;
import org.vnicteam.api.verbs.RcConnection;
import org.vnicteam.api.verbs.VerbsException;
import org.vnicteam.api.verbs.WorkCompletion;
import org.vnicteam.fabric.sim.SimulatedFabric;

/**
 * RC messages between two HCAs through one switch, 4096-byte links, the sender keeping its send
 * queue full as a NIC driver does. Each operation is one message delivered into the receiver's
 * buffer and completed on both sides; Gbit/s = ops/s × size × 8 / 10^9. The receiver reposts
 * its buffers from its completion listener, on the fabric's thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
public class RcThroughputBenchmark {

    static final int BATCH = 4096;
    static final int DEPTH = 1024;

    @Param({ "64", "1500", "9000" })
    int size;

    private SimulatedFabric fabric;
    private Hca sender;
    private Hca receiver;
    private QueuePair tx;
    private CompletionQueue txCq;
    private final AtomicLong received = new AtomicLong();
    private final WorkCompletion[] wcs = new WorkCompletion[64];
    private ByteBuffer payload;
    private long outstanding;
    private long posted;

    @Setup(Level.Trial)
    public void setUp() throws VerbsException {
        fabric = SimulatedFabric.create("bench", new String[] { "a ca 1", "b ca 1", "sw switch 2" },
                new String[] { "a:1 sw:1 mtu=4096", "sw:2 b:1 mtu=4096" }, null, 1);
        sender = fabric.open("a");
        receiver = fabric.open("b");
        txCq = sender.createCompletionQueue(DEPTH * 2);
        CompletionQueue txRecvCq = sender.createCompletionQueue(16);
        CompletionQueue rxCq = receiver.createCompletionQueue(DEPTH * 4);
        CompletionQueue rxSendCq = receiver.createCompletionQueue(16);
        tx = sender.createQueuePair(QpInitAttributes.rc(1, txCq, txRecvCq, DEPTH));
        QueuePair rx = receiver.createQueuePair(QpInitAttributes.rc(1, rxSendCq, rxCq, DEPTH * 2));
        int aLid = sender.queryPort(1).lid();
        int bLid = receiver.queryPort(1).lid();
        tx.connect(RcConnection.to(bLid, rx.number(), 0, 0));
        rx.connect(RcConnection.to(aLid, tx.number(), 0, 0));
        ByteBuffer[] buffers = new ByteBuffer[DEPTH * 2];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = ByteBuffer.allocate(size);
            rx.postReceive(i, buffers[i], 0, size);
        }
        WorkCompletion[] rwcs = new WorkCompletion[256];
        for (int i = 0; i < rwcs.length; i++) {
            rwcs[i] = new WorkCompletion();
        }
        rxCq.setListener(cq -> {
            int n;
            while ((n = cq.poll(rwcs)) > 0) {
                for (int i = 0; i < n; i++) {
                    int id = (int) rwcs[i].wrId;
                    try {
                        rx.postReceive(id, buffers[id], 0, size);
                    } catch (VerbsException e) {
                        throw new IllegalStateException(e);
                    }
                }
                received.addAndGet(n);
            }
        });
        for (int i = 0; i < wcs.length; i++) {
            wcs[i] = new WorkCompletion();
        }
        payload = ByteBuffer.allocate(size);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.println("\npacket buffers allocated by the fabric in this trial: "
                + fabric.packetBuffersAllocated());
        fabric.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void messages(Blackhole bh) throws VerbsException {
        long target = received.get() + BATCH;
        for (int i = 0; i < BATCH; i++) {
            while (outstanding >= DEPTH) {
                reap();
            }
            tx.postSend(posted++, payload, 0, size, true);
            outstanding++;
        }
        while (received.get() < target) {
            reap();
            Thread.onSpinWait();
        }
        reap();
        bh.consume(posted);
    }

    private void reap() {
        int n = txCq.poll(wcs);
        for (int i = 0; i < n; i++) {
            if (!wcs[i].ok()) {
                throw new IllegalStateException("send failed: " + wcs[i]);
            }
        }
        outstanding -= n;
    }
}

package org.vnicteam.benchmarks;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.vnicteam.api.fabric.FabricControl;
import org.vnicteam.api.fabric.FabricStatus;
import org.vnicteam.api.verbs.CompletionQueue;
import org.vnicteam.api.verbs.Hca;
import org.vnicteam.api.verbs.QpInitAttributes;
import org.vnicteam.api.verbs.QueuePair;
import org.vnicteam.api.verbs.RcConnection;
import org.vnicteam.api.verbs.WorkCompletion;
import org.vnicteam.fabric.sim.SimulatedFabric;

/**
 * A tour of the simulated fabric: the default two-switch topology, an RC connection from the
 * server to bridge A, a cut inter-switch link the subnet manager routes around, and a capture
 * that Wireshark opens. Prints what happens.
 */
public final class FabricDemo {

    private FabricDemo() {
    }

    public static void main(String[] args) throws Exception {
        Path capture = Path.of(args.length > 0 ? args[0] : "fabric-demo.pcap");
        try (SimulatedFabric fabric = SimulatedFabric.createDefault("demo")) {
            Hca server = fabric.open("server");
            Hca bridge = fabric.open("bridgeA");
            server.subnet(1).subscribe(t -> System.out.printf("  trap: %s port %d is %s%n", t.nodeName(), t.port(),
                    t.state()));
            printStatus(fabric.status());

            CompletionQueue scq = server.createCompletionQueue(256);
            CompletionQueue bcq = bridge.createCompletionQueue(256);
            QueuePair sqp = server.createQueuePair(QpInitAttributes.rc(1, scq, scq, 128));
            QueuePair bqp = bridge.createQueuePair(QpInitAttributes.rc(1, bcq, bcq, 128));
            int bridgeLid = server.subnet(1).lidOf("bridgeA").orElseThrow();
            sqp.connect(RcConnection.to(bridgeLid, bqp.number(), 0, 0));
            bqp.connect(RcConnection.to(server.queryPort(1).lid(), sqp.number(), 0, 0));
            System.out.printf("RC QP %d on server (LID %d) connected to QP %d on bridgeA (LID %d), path MTU %d%n",
                    sqp.number(), server.queryPort(1).lid(), bqp.number(), bridgeLid,
                    server.subnet(1).path(bridgeLid).orElseThrow().mtu());

            AtomicLong delivered = new AtomicLong();
            AtomicLong bytes = new AtomicLong();
            ByteBuffer[] rx = new ByteBuffer[128];
            for (int i = 0; i < rx.length; i++) {
                rx[i] = ByteBuffer.allocate(9000);
                bqp.postReceive(i, rx[i], 0, 9000);
            }
            WorkCompletion[] wcs = { new WorkCompletion(), new WorkCompletion(), new WorkCompletion() };
            bcq.setListener(cq -> {
                int n;
                while ((n = cq.poll(wcs)) > 0) {
                    for (int i = 0; i < n; i++) {
                        if (wcs[i].ok()) {
                            delivered.incrementAndGet();
                            bytes.addAndGet(wcs[i].byteLength);
                            try {
                                bqp.postReceive(wcs[i].wrId, rx[(int) wcs[i].wrId], 0, 9000);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        }
                    }
                }
            });

            FabricControl.Capture cap = fabric.capture("server", 1, capture);
            ByteBuffer msg = ByteBuffer.allocate(9000);
            WorkCompletion[] swc = { new WorkCompletion() };
            for (int i = 0; i < 200; i++) {
                if (i == 100) {
                    System.out.println("cutting isl1 under traffic ...");
                    fabric.setLinkUp("isl1", false);
                }
                sqp.postSend(i, msg, 0, 9000, true);
                while (scq.poll(swc) == 0) {
                    Thread.onSpinWait();
                }
                if (!swc[0].ok()) {
                    throw new IllegalStateException("send failed: " + swc[0]);
                }
            }
            cap.close();
            TimeUnit.MILLISECONDS.sleep(20);
            System.out.printf("delivered %d messages (%d bytes) in order over RC; retransmitted packets: %d%n",
                    delivered.get(), bytes.get(), sqp.counters().retransmittedPackets());
            printStatus(fabric.status());
            System.out.printf("captured %d packets at server:1 to %s%n", cap.packets(), cap.file().toAbsolutePath());
            System.out.println("open it with: tshark -r " + capture + " -o '"
                    + "uat:user_dlts:\"User 0 (DLT=147)\",\"infiniband\",\"0\",\"\",\"0\",\"\"'");
        }
    }

    static void printStatus(FabricStatus s) {
        System.out.printf("fabric: subnet manager on %s, %d sweeps%n", s.subnetManager(), s.sweeps());
        for (FabricStatus.NodeStatus n : s.nodes()) {
            StringBuilder ports = new StringBuilder();
            for (FabricStatus.PortStatus p : n.ports()) {
                if (!p.peer().isEmpty()) {
                    ports.append(String.format(" %d:%s->%s", p.port(), p.state(), p.peer()));
                }
            }
            System.out.printf("  %-8s %-6s LID %-3d fwd %-6d%s%n", n.name(), n.kind(),
                    n.ports().get(0).lid(), n.counters().forwarded(), ports);
        }
        for (FabricStatus.LinkStatus l : s.links()) {
            System.out.printf("  link %-12s %-10s <-> %-10s %-4s mtu %d packets %d%n", l.name(), l.a(), l.b(),
                    l.up() ? "up" : "DOWN", l.mtu(), l.packets());
        }
    }
}

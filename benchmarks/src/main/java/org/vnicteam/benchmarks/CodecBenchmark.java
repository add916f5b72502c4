package org.vnicteam.benchmarks;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.vnicteam.api.ib.Bth;
import org.vnicteam.api.ib.Crc;
import org.vnicteam.api.ib.IbPacket;
import org.vnicteam.api.ib.IbPacketView;
import org.vnicteam.api.ib.Lrh;
import org.vnicteam.api.ib.Opcode;

/**
 * The InfiniBand codec: building a packet with the allocation-free writers, checking one with
 * the flyweight view (the hot path), parsing one into immutable values (the control path), and
 * the two CRCs alone. Payload sizes: a small control message, an Ethernet frame, a full 4K MTU.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {

    @Param({ "64", "1500", "4096" })
    int payload;

    private final ByteBuffer packet = ByteBuffer.allocate(4200);
    private final IbPacketView view = new IbPacketView();
    private final CRC32 crc = new CRC32();
    private byte[] data;
    private ByteBuffer dataBuffer;
    private int length;

    @Setup
    public void setUp() {
        data = new byte[payload];
        new java.util.Random(1).nextBytes(data);
        dataBuffer = ByteBuffer.wrap(data);
        length = build();
    }

    @Benchmark
    public int buildWithWriters() {
        return build();
    }

    private int build() {
        int len = Lrh.SIZE + Bth.SIZE + payload + Crc.ICRC_SIZE + Crc.VCRC_SIZE;
        Lrh.write(packet, 0, 0, 0, Lrh.LNH_LOCAL, 2, (len - 2) >>> 2, 1);
        Bth.write(packet, Lrh.SIZE, Opcode.RC_SEND_ONLY.code(), 0, 0, 0, 0xFFFF, 0, 0, 0x11, 1, 7);
        packet.put(Lrh.SIZE + Bth.SIZE, dataBuffer, 0, payload);
        IbPacketView.sealCrcs(packet, 0, len, crc, true);
        return len;
    }

    @Benchmark
    public int checkWithView() {
        return view.wrap(packet, 0, length).check(crc);
    }

    @Benchmark
    public IbPacket parseToValues() {
        return IbPacket.parse(packet, 0, length);
    }

    @Benchmark
    public int icrc() {
        return Crc.icrc(crc, packet, 0, length - 6);
    }

    @Benchmark
    public int vcrc() {
        return Crc.vcrc(packet, 0, length - 2);
    }
}

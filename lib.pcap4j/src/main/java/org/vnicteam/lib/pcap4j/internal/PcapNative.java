package org.vnicteam.lib.pcap4j.internal;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The libpcap calls this bundle makes itself, by JNA direct mapping: a plain JNI downcall, no
 * reflection or allocation per call. Bound to the library pcap4j loads: the same name, honouring
 * the same system property (pcap4j's {@code NativeMappings}), so one libpcap serves both.
 */
public final class PcapNative {

    /** The system property pcap4j 1.8.2 reads for the library's name. */
    public static final String LIB_NAME_PROPERTY = "org.pcap4j.core.pcapLibName";

    static {
        Native.register(PcapNative.class,
                NativeLibrary.getInstance(System.getProperty(LIB_NAME_PROPERTY, Platform.isWindows() ? "wpcap" : "pcap")));
    }

    private PcapNative() {
    }

    /**
     * {@code int pcap_next_ex(pcap_t *p, struct pcap_pkthdr **h, const u_char **data)}: 1 with a
     * frame, 0 on timeout, -1 on error (pcap_geterr), -2 after pcap_breakloop (or at a savefile's end).
     */
    public static native int pcap_next_ex(Pointer pcap, Pointer header, Pointer data);

    /**
     * {@code int pcap_compile(pcap_t *p, struct bpf_program *fp, const char *str, int optimize,
     * bpf_u_int32 netmask)}: 0, or -1 (PCAP_ERROR) with pcap_geterr's text. Compiles for the
     * handle's link type and snap length; {@code program} is a {@code struct bpf_program}
     * ({@code u_int bf_len; struct bpf_insn *bf_insns}) that {@link #pcap_freecode} releases.
     */
    public static native int pcap_compile(Pointer pcap, Pointer program, String expression, int optimize,
            int netmask);

    /** {@code void pcap_freecode(struct bpf_program *fp)}: frees what pcap_compile allocated in it. */
    public static native void pcap_freecode(Pointer program);

    /** {@code int pcap_get_selectable_fd(pcap_t *p)}: on Linux the capture's PF_PACKET socket; -1 if none. */
    public static native int pcap_get_selectable_fd(Pointer pcap);
}

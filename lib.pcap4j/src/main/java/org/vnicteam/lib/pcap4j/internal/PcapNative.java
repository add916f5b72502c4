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
}

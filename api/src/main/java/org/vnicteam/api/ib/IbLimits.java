package org.vnicteam.api.ib;

/** InfiniBand numeric limits and the small arithmetic on them (MTU codes, LID classes, P_Keys, PSNs). */
public final class IbLimits {
    public static final int MTU_256 = 256;
    public static final int MTU_512 = 512;
    public static final int MTU_1024 = 1024;
    public static final int MTU_2048 = 2048;
    public static final int MTU_4096 = 4096;

    public static final int LID_UNICAST_MIN = 0x0001;
    public static final int LID_UNICAST_MAX = 0xBFFF;
    public static final int LID_MULTICAST_MIN = 0xC000;
    public static final int LID_MULTICAST_MAX = 0xFFFE;
    /** Permissive DLID: accepted by any port (used by subnet management before LIDs exist). */
    public static final int LID_PERMISSIVE = 0xFFFF;

    /** P_Key bit 15: full member. Two keys match when their low 15 bits agree and one of them is full. */
    public static final int PKEY_FULL_MEMBER = 0x8000;
    public static final int PKEY_BASE_MASK = 0x7FFF;
    public static final int PKEY_DEFAULT = 0xFFFF;

    public static final int MAX_PSN = 0xFF_FFFF;
    public static final int MAX_QPN = 0xFF_FFFF;

    private IbLimits() {
    }

    /** The IBA MTU code (1 = 256 .. 5 = 4096) for an MTU in bytes. */
    public static int mtuEnum(int bytes) {
        return switch (bytes) {
            case MTU_256 -> 1;
            case MTU_512 -> 2;
            case MTU_1024 -> 3;
            case MTU_2048 -> 4;
            case MTU_4096 -> 5;
            default -> throw new IllegalArgumentException("not an IB MTU: " + bytes);
        };
    }

    /** The MTU in bytes for an IBA MTU code 1..5. */
    public static int mtuBytes(int mtuEnum) {
        if (mtuEnum < 1 || mtuEnum > 5) {
            throw new IllegalArgumentException("not an IB MTU code: " + mtuEnum);
        }
        return 128 << mtuEnum;
    }

    public static boolean isUnicastLid(int lid) {
        return lid >= LID_UNICAST_MIN && lid <= LID_UNICAST_MAX;
    }

    public static boolean isMulticastLid(int lid) {
        return lid >= LID_MULTICAST_MIN && lid <= LID_MULTICAST_MAX;
    }

    public static boolean isFullMember(int pkey) {
        return (pkey & PKEY_FULL_MEMBER) != 0;
    }

    /** Whether two P_Keys admit traffic between their holders (limited members cannot talk to each other). */
    public static boolean pkeyMatch(int a, int b) {
        return (a & PKEY_BASE_MASK) == (b & PKEY_BASE_MASK) && (a & PKEY_BASE_MASK) != 0
                && ((a | b) & PKEY_FULL_MEMBER) != 0;
    }

    /** {@code psn + n} modulo 2^24. */
    public static int psnAdd(int psn, int n) {
        return psn + n & MAX_PSN;
    }

    /**
     * {@code a - b} as a signed 24-bit difference (-2^23 .. 2^23-1): negative when {@code a} is
     * older than {@code b} (a duplicate), positive when it is ahead (out of sequence), across wrap.
     */
    public static int psnDiff(int a, int b) {
        return (a - b) << 8 >> 8;
    }
}

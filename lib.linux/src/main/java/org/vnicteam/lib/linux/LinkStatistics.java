package org.vnicteam.lib.linux;

/**
 * The kernel's counters of one network interface: the first eight fields of
 * {@code struct rtnl_link_stats64} (rtnetlink's IFLA_STATS64), as the kernel held them when it
 * answered. They count since the interface was made and never go back while it exists.
 *
 * @param index the ifindex the counters belong to (a re-created interface starts from zero)
 * @param rxPackets frames received
 * @param txPackets frames the driver sent
 * @param rxBytes their bytes
 * @param txBytes their bytes
 * @param rxErrors receive errors
 * @param txErrors transmit errors
 * @param rxDropped frames received but dropped (no buffer, no protocol)
 * @param txDropped frames handed to the interface that the kernel dropped without an error to the
 *        sender; on a veth, among others, every frame sent while its peer is down or while the
 *        interface has no carrier
 */
public record LinkStatistics(int index, long rxPackets, long txPackets, long rxBytes, long txBytes, long rxErrors,
        long txErrors, long rxDropped, long txDropped) {
}

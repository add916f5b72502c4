/**
 * InfiniBand wire format (IBA 1.0a): header value records, a packet value with a builder for the
 * control path, an allocation-free flyweight view and static writers for the hot path, and the
 * ICRC/VCRC codecs.
 *
 * <p>All multi-byte fields are big-endian (network order) regardless of {@link
 * java.nio.ByteBuffer#order()}, except the ICRC, which goes on the wire least-significant byte
 * first as Linux rxe and scapy send it. Parsers use absolute reads and never move a buffer's
 * position or limit. Malformed data is reported with {@link org.vnicteam.api.ib.IbFormatException},
 * naming the field and showing the bytes in hex.
 */
@org.osgi.annotation.versioning.Version("1.0.0")
@org.osgi.annotation.bundle.Export
package org.vnicteam.api.ib;

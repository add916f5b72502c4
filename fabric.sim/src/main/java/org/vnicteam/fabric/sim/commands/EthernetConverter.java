package org.vnicteam.fabric.sim.commands;

import org.apache.felix.service.command.Converter;
import org.osgi.service.component.annotations.Component;
import org.vnicteam.fabric.sim.ethernet.PingResult;
import org.vnicteam.fabric.sim.ethernet.SegmentStatus;
import org.vnicteam.fabric.sim.ethernet.SegmentStatus.PortStatus;

/**
 * Renders the Ethernet segment's DTOs for the Gogo console: {@link Converter#INSPECT} (a command's
 * result) as tables, {@link Converter#LINE} (an element of a list) as one line, {@link Converter#PART}
 * as a name. Formats nothing else and converts nothing.
 */
// The mandatory reference to Gogo's command processor keeps SCR from loading this class (and
// failing on the optional Gogo import) in a framework without a console.
@Component(reference = @org.osgi.service.component.annotations.Reference(name = "gogo",
        service = org.apache.felix.service.command.CommandProcessor.class), service = Converter.class, property = Converter.CONVERTER_CLASSES + "="
        + "org.vnicteam.fabric.sim.ethernet.SegmentStatus,"
        + "org.vnicteam.fabric.sim.ethernet.SegmentStatus$PortStatus,"
        + "org.vnicteam.fabric.sim.ethernet.PingResult,"
        + "org.vnicteam.fabric.sim.commands.ClientStream,"
        + "org.vnicteam.fabric.sim.commands.StreamReport")
public final class EthernetConverter implements Converter {

    @Override
    public Object convert(Class<?> desiredType, Object in) {
        return null;
    }

    @Override
    public CharSequence format(Object target, int level, Converter escape) {
        if (target instanceof SegmentStatus s) {
            return switch (level) {
                case INSPECT -> EthernetText.status(s);
                case LINE -> EthernetText.summary(s);
                default -> s.name();
            };
        }
        if (target instanceof PortStatus p) {
            return switch (level) {
                case INSPECT -> EthernetText.ports(java.util.List.of(p));
                case LINE -> EthernetText.portLine(p);
                default -> p.name();
            };
        }
        if (target instanceof PingResult r) {
            return switch (level) {
                case INSPECT -> EthernetText.ping(r);
                case LINE -> EthernetText.pingLine(r);
                default -> r.target();
            };
        }
        if (target instanceof ClientStream c) {
            return level == PART ? String.valueOf(c.id()) : EthernetText.clientStream(c);
        }
        if (target instanceof StreamReport r) {
            return switch (level) {
                case INSPECT -> EthernetText.streams(r);
                case LINE -> EthernetText.streamsLine(r);
                default -> "streams";
            };
        }
        return null;
    }
}

package org.vnicteam.fabric.sim.commands;

import org.apache.felix.service.command.Converter;
import org.osgi.service.component.annotations.Component;
import org.vnicteam.api.fabric.FabricStatus;
import org.vnicteam.api.fabric.FabricStatus.LinkStatus;
import org.vnicteam.api.fabric.FabricStatus.NodeStatus;

/**
 * Renders the fabric DTOs for the Gogo console: {@link Converter#INSPECT} (a command's result)
 * as tables, {@link Converter#LINE} (an element of a list) as one line, {@link Converter#PART} as
 * a name. Formats nothing else and converts nothing.
 */
// The mandatory reference to Gogo's command processor keeps SCR from loading this class (and
// failing on the optional Gogo import) in a framework without a console.
@Component(reference = @org.osgi.service.component.annotations.Reference(name = "gogo",
        service = org.apache.felix.service.command.CommandProcessor.class), service = Converter.class, property = Converter.CONVERTER_CLASSES + "="
        + "org.vnicteam.api.fabric.FabricStatus,"
        + "org.vnicteam.api.fabric.FabricStatus$NodeStatus,"
        + "org.vnicteam.api.fabric.FabricStatus$LinkStatus,"
        + "org.vnicteam.fabric.sim.commands.CaptureInfo")
public final class FabricConverter implements Converter {

    @Override
    public Object convert(Class<?> desiredType, Object in) {
        return null;
    }

    @Override
    public CharSequence format(Object target, int level, Converter escape) {
        if (target instanceof FabricStatus s) {
            return switch (level) {
                case INSPECT -> FabricText.status(s);
                case LINE -> FabricText.summary(s);
                default -> "fabric";
            };
        }
        if (target instanceof LinkStatus l) {
            return switch (level) {
                case INSPECT -> FabricText.links(java.util.List.of(l));
                case LINE -> FabricText.linkLine(l);
                default -> l.name();
            };
        }
        if (target instanceof NodeStatus n) {
            return switch (level) {
                case INSPECT -> FabricText.nodes(java.util.List.of(n));
                case LINE -> FabricText.nodeLine(n);
                default -> n.name();
            };
        }
        if (target instanceof CaptureInfo c) {
            return level == PART ? c.node() + ":" + c.port() : FabricText.capture(c);
        }
        return null;
    }
}

package org.vnicteam.bridge.core.commands;

import org.apache.felix.service.command.Converter;
import org.osgi.service.component.annotations.Component;

/**
 * Renders the bridge commands' DTOs for the Gogo console: {@link Converter#INSPECT} (a command's
 * result) in full, {@link Converter#LINE} (an element of a list) as one line, {@link Converter#PART}
 * as a name. Formats nothing else and converts nothing.
 */
// The mandatory reference to Gogo's command processor keeps SCR from loading this class (and
// failing on the optional Gogo import) in a framework without a console.
@Component(reference = @org.osgi.service.component.annotations.Reference(name = "gogo",
        service = org.apache.felix.service.command.CommandProcessor.class), service = Converter.class, property = Converter.CONVERTER_CLASSES + "="
        + "org.vnicteam.bridge.core.commands.BridgeInfo,"
        + "org.vnicteam.bridge.core.commands.BridgeOverview")
public final class BridgeConverter implements Converter {

    @Override
    public Object convert(Class<?> desiredType, Object in) {
        return null;
    }

    @Override
    public CharSequence format(Object target, int level, Converter escape) {
        if (target instanceof BridgeInfo b) {
            return switch (level) {
                case INSPECT -> BridgeText.detail(b);
                case LINE -> BridgeText.line(b);
                default -> b.name();
            };
        }
        if (target instanceof BridgeOverview o) {
            return level == PART ? "bridges" : BridgeText.overview(o);
        }
        return null;
    }
}

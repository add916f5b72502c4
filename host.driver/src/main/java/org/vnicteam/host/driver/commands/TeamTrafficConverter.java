package org.vnicteam.host.driver.commands;

import org.apache.felix.service.command.Converter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Renders {@link ServerStream} and {@link ServerStreams} for the Gogo console. It exists only
 * beside {@link TeamTrafficCommands} (a static reference to it), so that without fabric.sim its
 * class, which uses fabric.sim's types, is never loaded.
 */
// The mandatory reference to Gogo's command processor keeps SCR from loading this class (and
// failing on the optional Gogo import) in a framework without a console.
@Component(reference = @org.osgi.service.component.annotations.Reference(name = "gogo",
        service = org.apache.felix.service.command.CommandProcessor.class), service = Converter.class, property = Converter.CONVERTER_CLASSES + "="
        + "org.vnicteam.host.driver.commands.ServerStream,"
        + "org.vnicteam.host.driver.commands.ServerStreams")
public final class TeamTrafficConverter implements Converter {

    @Activate
    public TeamTrafficConverter(@Reference TeamTrafficCommands commands) {
        // only for its lifetime: see the class comment
    }

    @Override
    public Object convert(Class<?> desiredType, Object in) {
        return null;
    }

    @Override
    public CharSequence format(Object target, int level, Converter escape) {
        if (target instanceof ServerStream s) {
            return level == PART ? String.valueOf(s.id()) : TrafficText.serverStream(s);
        }
        if (target instanceof ServerStreams r) {
            return switch (level) {
                case INSPECT -> TrafficText.streams(r);
                case LINE -> TrafficText.streamsLine(r);
                default -> "streams";
            };
        }
        return null;
    }
}

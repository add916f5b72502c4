package org.vnicteam.host.driver.commands;

import org.apache.felix.service.command.Converter;
import org.osgi.service.component.annotations.Component;
import org.vnicteam.api.host.TeamStatus;

/**
 * Renders the team's DTOs for the Gogo console: {@link Converter#INSPECT} (a command's result) as
 * tables, {@link Converter#LINE} (an element of a list) as one line, {@link Converter#PART} as a
 * name. Formats nothing else and converts nothing.
 */
// The mandatory reference to Gogo's command processor keeps SCR from loading this class (and
// failing on the optional Gogo import) in a framework without a console.
@Component(reference = @org.osgi.service.component.annotations.Reference(name = "gogo",
        service = org.apache.felix.service.command.CommandProcessor.class), service = Converter.class, property = Converter.CONVERTER_CLASSES + "="
        + "org.vnicteam.api.host.TeamStatus,"
        + "org.vnicteam.host.driver.commands.VnicReport,"
        + "org.vnicteam.host.driver.commands.MiniportReport,"
        + "org.vnicteam.host.driver.commands.FailbackChange")
public final class TeamConverter implements Converter {

    @Override
    public Object convert(Class<?> desiredType, Object in) {
        return null;
    }

    @Override
    public CharSequence format(Object target, int level, Converter escape) {
        if (target instanceof TeamStatus s) {
            return switch (level) {
                case INSPECT -> TeamText.status(s);
                case LINE -> TeamText.summary(s);
                default -> s.name();
            };
        }
        if (target instanceof VnicReport r) {
            return level == PART ? "vnics" : level == LINE ? TeamText.vnicsLine(r) : TeamText.vnics(r);
        }
        if (target instanceof MiniportReport r) {
            return level == PART ? "miniports" : level == LINE ? TeamText.miniportsLine(r) : TeamText.miniports(r);
        }
        if (target instanceof FailbackChange c) {
            return level == PART ? c.status().failback().name() : TeamText.failback(c, level == INSPECT);
        }
        return null;
    }
}

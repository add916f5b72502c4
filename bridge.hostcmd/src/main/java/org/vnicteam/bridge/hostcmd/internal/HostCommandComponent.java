package org.vnicteam.bridge.hostcmd.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.vnicteam.api.bridge.BridgeDevice;
import org.vnicteam.api.verbs.VerbsException;

/**
 * The host command handler: one {@link CommandHandler} for every bridge device there is. Devices
 * come and go with hot plug, so they are bound MULTIPLE + DYNAMIC: plugging or unplugging one
 * bridge never restarts the handler of another.
 */
@Component(configurationPid = HostCommandComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {})
@Designate(ocd = HostCommandComponent.Config.class)
public final class HostCommandComponent {

    public static final String PID = "org.vnicteam.bridge.hostcmd";
    private static final Logger LOG = Logger.getLogger(HostCommandComponent.class.getName());

    @ObjectClassDefinition(id = PID, name = "vnicteam bridge host command handler",
            description = "The bridge side of the VNIC control protocol.")
    public @interface Config {
        @AttributeDefinition(name = "Login receives", description = "Receives posted on each login queue pair.")
        int login_receives() default 64;

        @AttributeDefinition(name = "Control receives",
                description = "Receives posted on each session's control queue pair.")
        int control_receives() default 16;

        @AttributeDefinition(name = "Shortest keep-alive interval (µs)", description = "A session ends after "
                + "8 keep-alive intervals of silence; the interval the VNIC announces is raised to this.")
        long keepalive_minMicros() default 1000;

        @AttributeDefinition(name = "RESET wait (ms)",
                description = "How long a shutdown waits for each VNIC to acknowledge RESET.")
        long reset_waitMillis() default 100;
    }

    private final HandlerSettings settings;
    private final ScheduledExecutorService timers;
    private final Map<BridgeDevice, CommandHandler> handlers = new ConcurrentHashMap<>();
    private volatile boolean active = true;

    @Activate
    public HostCommandComponent(Config config) {
        settings = new HandlerSettings(config.login_receives(), config.control_receives(),
                config.keepalive_minMicros(), config.reset_waitMillis());
        timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bridge-hostcmd-keepalive");
            t.setDaemon(true);
            return t;
        });
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addBridge(BridgeDevice device) {
        if (!active) {
            return;
        }
        try {
            CommandHandler h = new CommandHandler(device, settings, timers);
            if (handlers.putIfAbsent(device, h) != null) {
                h.close(false);
            }
        } catch (VerbsException | RuntimeException e) {
            // the device is being unplugged while it is bound: nothing to serve
            LOG.log(Level.WARNING, "no host command handler for bridge " + device.name() + ": " + e.getMessage(), e);
        }
    }

    /** The device is going (unplugged): its sessions end without a word, as on a physical unplug. */
    void removeBridge(BridgeDevice device) {
        CommandHandler h = handlers.remove(device);
        if (h != null) {
            h.close(false);
        }
    }

    /** The handler itself goes while the bridges stay: every VNIC is told with RESET(SHUTDOWN). */
    @Deactivate
    void deactivate() {
        active = false;
        for (BridgeDevice d : handlers.keySet()) {
            CommandHandler h = handlers.remove(d);
            if (h != null) {
                h.close(true);
            }
        }
        timers.shutdownNow();
    }
}

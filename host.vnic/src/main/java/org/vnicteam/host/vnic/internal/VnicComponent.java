package org.vnicteam.host.vnic.internal;

import java.nio.ByteBuffer;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.vnicteam.api.host.FrameSink;
import org.vnicteam.api.host.Vnic;
import org.vnicteam.api.host.VnicEvent.Watcher;
import org.vnicteam.api.host.VnicListener;
import org.vnicteam.api.host.VnicStatus;
import org.vnicteam.api.verbs.Hca;
import org.vnicteam.api.verbs.VerbsException;

/**
 * One VNIC per factory configuration of PID {@value #PID} (seed: "each particular VNIC instance
 * corresponds to one particular bridge"). Registered as a {@link Vnic} service; its configuration
 * properties {@code name}, {@code bridge}, {@code priority} and {@code sticky} are service
 * properties a driver can filter on. Defaults and their reasons: docs/host.md.
 */
@Component(configurationPid = VnicComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = Vnic.class)
@Designate(ocd = VnicComponent.Config.class, factory = true)
public final class VnicComponent implements Vnic {

    public static final String PID = "org.vnicteam.vnic";

    @ObjectClassDefinition(id = PID, name = "vnicteam VNIC",
            description = "A virtual NIC: the host's sessions with one IB-to-Ethernet bridge.")
    public @interface Config {
        @AttributeDefinition(description = "Unique VNIC name (1..64 UTF-8 bytes), sent in LOGIN.")
        String name();

        @AttributeDefinition(description = "The bridge's channel-adapter name on the fabric, as in its service record.")
        String bridge();

        @AttributeDefinition(description = "Fail-over priority; the team prefers higher values.")
        int priority() default 100;

        @AttributeDefinition(description = "Once active, stays active even if a better member comes up.")
        boolean sticky() default false;

        @AttributeDefinition(description = "HCA port (1-based).")
        int port() default 1;

        @AttributeDefinition(description = "Keep-alive interval in microseconds (100..10000000).")
        long keepalive_interval_micros() default 10_000;

        @AttributeDefinition(description = "Keep-alives the bridge may leave unanswered (2..100): it counts as lost "
                + "after interval x misses of silence with that many asked. Found within interval x misses.")
        int keepalive_misses() default 5;

        @AttributeDefinition(description = "Wait for LOGIN_ACK and between login attempts, in milliseconds.")
        long login_retry_millis() default 50;

        @AttributeDefinition(description = "Largest Ethernet frame without FCS, 802.1Q tag included.")
        int max_frame() default 1518;

        @AttributeDefinition(description = "Replay buffer (frames not yet confirmed on the wire), KiB.")
        int replay_buffer_kib() default 4096;

        @AttributeDefinition(description = "Most frames the replay buffer holds (64..65536).")
        int replay_frames() default 16384;

        @AttributeDefinition(description = "DATA receive buffers kept posted.")
        int receive_buffers() default 256;

        @AttributeDefinition(description = "RC local ACK timeout in microseconds.")
        long rc_ack_timeout_micros() default 4000;

        @AttributeDefinition(description = "RC transport retries before a queue pair errors (0..7).")
        int rc_retry_count() default 7;

        @AttributeDefinition(description = "Bridge statistics request period in milliseconds; 0 = never.")
        long stats_interval_millis() default 1000;

        @AttributeDefinition(description = "Filter selecting the shared host HCA service.")
        String hca_target() default "(hca.adapter=server)";
    }

    private final VnicChannel channel;

    @Activate
    public VnicComponent(@Reference(name = "hca") Hca hca, Config c) throws VerbsException {
        VnicSettings settings = new VnicSettings(c.name(), c.bridge(), c.priority(), c.sticky(), c.port(),
                c.keepalive_interval_micros() * 1000, c.keepalive_misses(), c.login_retry_millis() * 1_000_000L,
                c.max_frame(), c.replay_buffer_kib() * 1024, c.replay_frames(), c.receive_buffers(),
                c.rc_ack_timeout_micros() * 1000, c.rc_retry_count(), c.stats_interval_millis() * 1_000_000L);
        channel = new VnicChannel(hca, settings, this);
    }

    @Deactivate
    void deactivate() {
        channel.close();
    }

    @Override
    public String name() {
        return channel.name();
    }

    @Override
    public String bridge() {
        return channel.bridge();
    }

    @Override
    public int priority() {
        return channel.priority();
    }

    @Override
    public boolean sticky() {
        return channel.sticky();
    }

    @Override
    public void setListener(VnicListener listener) {
        channel.setListener(listener);
    }

    @Override
    public void configureAddresses(byte[] teamMac, List<Integer> vlans) {
        channel.configureAddresses(teamMac, vlans);
    }

    @Override
    public boolean send(ByteBuffer frame, int offset, int length, int vlanTci) {
        return channel.send(frame, offset, length, vlanTci);
    }

    @Override
    public int replayUnconfirmed(FrameSink sink) {
        return channel.replayUnconfirmed(sink);
    }

    @Override
    public boolean watcherUp(Watcher watcher) {
        return channel.watcherUp(watcher);
    }

    @Override
    public VnicStatus status() {
        return channel.status();
    }

    @Override
    public String toString() {
        return channel.toString();
    }
}

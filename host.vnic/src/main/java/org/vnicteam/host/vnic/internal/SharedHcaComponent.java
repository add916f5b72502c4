package org.vnicteam.host.vnic.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.vnicteam.api.verbs.AsyncEventListener;
import org.vnicteam.api.verbs.CompletionQueue;
import org.vnicteam.api.verbs.Hca;
import org.vnicteam.api.verbs.HcaProvider;
import org.vnicteam.api.verbs.PortAttributes;
import org.vnicteam.api.verbs.QpInitAttributes;
import org.vnicteam.api.verbs.QueuePair;
import org.vnicteam.api.verbs.SubnetAdministration;
import org.vnicteam.api.verbs.VerbsException;

/**
 * The server's host channel adapter, opened once and shared by every VNIC. An adapter can be
 * opened only once (as a device is), and all VNICs of a server sit on the same HCA (seed FIG. 1:
 * "Host Channel Adapter 130"), so one component owns it and offers it as an {@link Hca} service
 * with the property {@code hca.adapter}; VNICs bind it by their {@code hca.target}.
 *
 * <p>Consumers must not close it: {@link #close()} refuses. It is closed (an unplug of the
 * server's port) when this component stops, after the VNICs that use it have stopped.
 */
@Component(configurationPid = SharedHcaComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = Hca.class, property = SharedHcaComponent.ADAPTER + "=" + SharedHcaComponent.DEFAULT_ADAPTER)
@Designate(ocd = SharedHcaComponent.Config.class)
public final class SharedHcaComponent implements Hca {

    public static final String PID = "org.vnicteam.host.hca";
    /** Service property: the adapter name. */
    public static final String ADAPTER = "hca.adapter";
    public static final String DEFAULT_ADAPTER = "server";

    @ObjectClassDefinition(id = PID, name = "vnicteam host HCA",
            description = "The server's channel adapter, opened once and shared by all VNICs.")
    public @interface Config {
        @AttributeDefinition(name = "Adapter", description = "Channel-adapter node to open (a fabric node name).")
        String hca_adapter() default DEFAULT_ADAPTER;
    }

    private static final System.Logger LOG = System.getLogger(SharedHcaComponent.class.getName());
    private final Hca hca;

    @Activate
    public SharedHcaComponent(@Reference HcaProvider provider, Config config) throws VerbsException {
        hca = provider.open(config.hca_adapter());
        LOG.log(System.Logger.Level.INFO, () -> "host HCA " + hca.name() + " open, GUID "
                + Long.toHexString(hca.nodeGuid()));
    }

    @Deactivate
    void deactivate() {
        hca.close();
    }

    @Override
    public String name() {
        return hca.name();
    }

    @Override
    public long nodeGuid() {
        return hca.nodeGuid();
    }

    @Override
    public int portCount() {
        return hca.portCount();
    }

    @Override
    public PortAttributes queryPort(int port) {
        return hca.queryPort(port);
    }

    @Override
    public CompletionQueue createCompletionQueue(int depth) throws VerbsException {
        return hca.createCompletionQueue(depth);
    }

    @Override
    public QueuePair createQueuePair(QpInitAttributes attributes) throws VerbsException {
        return hca.createQueuePair(attributes);
    }

    @Override
    public void addAsyncEventListener(AsyncEventListener listener) {
        hca.addAsyncEventListener(listener);
    }

    @Override
    public void removeAsyncEventListener(AsyncEventListener listener) {
        hca.removeAsyncEventListener(listener);
    }

    @Override
    public SubnetAdministration subnet(int port) {
        return hca.subnet(port);
    }

    /** Refused: the HCA is shared; it closes when this component stops. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("the host HCA is shared by all VNICs; it is closed by its component");
    }
}

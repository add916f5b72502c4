package org.vnicteam.bridge.hostcmd.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Hashtable;
import java.util.List;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.vnicteam.api.eoib.ControlMessage;
import org.vnicteam.api.verbs.Hca;
import org.vnicteam.bridge.hostcmd.peer.VnicPeer;

/**
 * The other ways a bridge comes and goes: a configuration written by an operator (no device
 * bundle), configurations left behind by device bundles that are gone, and the host command
 * handler bundle stopping under its sessions while the bridges stay.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BridgeLifecycleIT extends BridgeItSupport {

    static final String BRIDGE_PID = "org.vnicteam.bridge";

    @Inject
    ConfigurationAdmin configAdmin;

    Hca server;
    VnicPeer vnic;

    @Before
    public void openServer() throws Exception {
        server = fabric().open("server");
    }

    @After
    public void closeAll() throws Exception {
        if (vnic != null) {
            vnic.close();
        }
        server.close();
        Configuration[] left = configAdmin.listConfigurations("(service.factoryPid=" + BRIDGE_PID + ")");
        if (left != null) {
            for (Configuration c : left) {
                c.delete();
            }
        }
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName() != null && b.getSymbolicName().startsWith("org.vnicteam.bridge.device.")) {
                b.uninstall();
            }
        }
        awaitNoBridge("bridgeA");
    }

    @Test
    public void givenAnOperatorsFactoryConfiguration_thenTheBridgeServesUntilTheConfigurationIsDeleted()
        throws Exception {
        Configuration c = configAdmin.getFactoryConfiguration(BRIDGE_PID, "bridgeA", "?");
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("bridge.name", "bridgeA");
        p.put("bridge.adapter", "bridgeA");
        p.put("ethernetPort.target", "(ethernet.port.name=bridgeA-eth)");
        p.put("ethernet.mtu", 9000);
        c.update(p);
        awaitBridge("bridgeA");
        vnic = new VnicPeer(server, "bridgeA", "vnicA", KEEPALIVE_MICROS);
        ControlMessage.LoginAck ack = vnic.login(WAIT);
        assertEquals(9000, ack.ethernetMtu());
        assertTrue("a jumbo MTU is announced", (ack.capabilities() & ControlMessage.LoginAck.CAP_JUMBO) != 0);

        c.delete();
        awaitNoBridge("bridgeA");
        awaitTrue("the login service record is gone", () -> vnic.findBridge().isEmpty(), () -> "still there");
        awaitTrue("A's HCA closed", () -> !fabricControl().status().node("bridgeA").open(), () -> "still open");
    }

    @Test
    public void givenAConfigurationOfADeviceBundleThatIsGone_whenTheExtenderStarts_thenItIsDeletedAndNoGhostBridgeStays()
        throws Exception {
        Configuration ghost = configAdmin.getFactoryConfiguration(BRIDGE_PID, "bridgeA", "?");
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("bridge.name", "bridgeA");
        p.put("bridge.adapter", "bridgeA");
        p.put("ethernetPort.target", "(ethernet.port.name=bridgeA-eth)");
        p.put("bridge.device.bundle.id", 999_999L); // written by the extender for a bundle long gone
        p.put("bridge.device.bundle", "org.vnicteam.bridge.device.bridgeA");
        ghost.update(p);
        awaitBridge("bridgeA");

        Bundle core = bundle("org.vnicteam.bridge.core");
        core.stop();
        awaitNoBridge("bridgeA");
        core.start();
        awaitTrue("the ghost configuration is deleted", () -> listBridgeConfigurations() == null,
            () -> String.valueOf(List.of(listBridgeConfigurations())));
        awaitNoBridge("bridgeA"); // Config Admin delivers the deletion to SCR asynchronously

        // a device bundle plugged in now is served as usual
        DeviceBundles.plugIn(context, "bridgeA", "bridgeA", "bridgeA-eth", MAC_A);
        awaitBridge("bridgeA");
        vnic = new VnicPeer(server, "bridgeA", "vnicA", KEEPALIVE_MICROS);
        assertEquals(MAC_A, BridgeTrafficIT.mac(vnic.login(WAIT).mac()));
    }

    @Test
    public void givenASession_whenTheHostCommandBundleStops_thenTheVnicIsToldResetShutdownAndCanLogInOnceItIsBack()
        throws Exception {
        DeviceBundles.plugIn(context, "bridgeA", "bridgeA", "bridgeA-eth", MAC_A);
        awaitBridge("bridgeA");
        vnic = new VnicPeer(server, "bridgeA", "vnicA", KEEPALIVE_MICROS);
        vnic.login(WAIT);
        vnic.startKeepalives(KEEPALIVE_PERIOD);

        Bundle hostcmd = bundle("org.vnicteam.bridge.hostcmd");
        hostcmd.stop();
        ControlMessage.Reset reset = (ControlMessage.Reset) vnic.await(ControlMessage.Reset.class, WAIT).message();
        assertEquals(ControlMessage.Reset.SHUTDOWN, reset.reason());
        assertTrue("no login service without a command handler", vnic.findBridge().isEmpty());
        assertTrue("the bridge device itself stays plugged in", bridgeReference("bridgeA") != null);
        assertEquals("its data channel closed with the session", List.of(), bridge("bridgeA").status().channels());

        hostcmd.start();
        vnic.close();
        vnic = new VnicPeer(server, "bridgeA", "vnicA", KEEPALIVE_MICROS);
        assertEquals("bridgeA", vnic.login(WAIT).bridgeName());
        vnic.startKeepalives(KEEPALIVE_PERIOD);
        awaitTrue("keep-alives answered again", () -> vnic.keepaliveAcks.get() > 2, () -> "none");
    }

    private Configuration[] listBridgeConfigurations() {
        try {
            return configAdmin.listConfigurations("(service.factoryPid=" + BRIDGE_PID + ")");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private Bundle bundle(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("bundle " + bsn + " is not installed");
    }
}

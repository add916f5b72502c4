package org.vnicteam.bridge.core.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleException;
import org.vnicteam.api.bridge.BridgeCounters;
import org.vnicteam.api.bridge.BridgeStatus;
import org.vnicteam.api.bridge.ProbeStatus;

/** The bridge commands on a fake inventory: argument errors, plug/unplug through the device bundle, rendering. */
class BridgeCommandsTest {

    static final String LOCATION_A = "file:/home/data/bridges/org.vnicteam.bridge.device.bridgeA.jar";

    /** Bridges whose device bundles start and stop at once (or fail to, or never bring the device up). */
    static final class FakeInventory implements BridgeInventory {
        final List<BridgeInfo> bridges = new ArrayList<>();
        final List<String> calls = new ArrayList<>();
        BundleException failStart;
        boolean deviceComesUp = true;
        long nextId = 100;

        @Override
        public List<BridgeInfo> bridges() {
            return bridges.stream().sorted(Comparator.comparing(BridgeInfo::name)).toList();
        }

        @Override
        public void start(long bundleId) throws BundleException {
            calls.add("start " + bundleId);
            if (failStart != null) {
                throw failStart;
            }
            replace(bundleId, deviceComesUp ? BridgeInfo.State.PLUGGED : BridgeInfo.State.PLUGGING, "ACTIVE");
        }

        @Override
        public void stop(long bundleId) {
            calls.add("stop " + bundleId);
            replace(bundleId, BridgeInfo.State.UNPLUGGED, "RESOLVED");
        }

        @Override
        public long install(String location) {
            calls.add("install " + location);
            BridgeInfo gone = bridges.stream().filter(b -> b.location().equals(location)).findFirst().orElseThrow();
            bridges.remove(gone);
            long id = nextId++;
            bridges.add(new BridgeInfo(gone.name(), BridgeInfo.State.UNPLUGGED, id, gone.bundle(), "INSTALLED",
                    location, null));
            return id;
        }

        private void replace(long id, BridgeInfo.State state, String bundleState) {
            BridgeInfo b = bridges.stream().filter(x -> x.bundleId() == id).findFirst().orElseThrow();
            bridges.remove(b);
            bridges.add(new BridgeInfo(b.name(), state, id, b.bundle(), bundleState, b.location(),
                    state == BridgeInfo.State.PLUGGED ? status(b.name()) : null));
        }
    }

    static BridgeStatus status(String name) {
        return new BridgeStatus(name, name, name + "-eth", "02:00:00:00:0a:01", 1500, true, 2,
                new BridgeCounters(10, 1000, 20, 2000, 0, 1, 3, 0, 0, 2), List.of());
    }

    static BridgeInfo plugged(String name, long id) {
        return new BridgeInfo(name, BridgeInfo.State.PLUGGED, id, "org.vnicteam.bridge.device." + name, "ACTIVE",
                "file:/home/data/bridges/org.vnicteam.bridge.device." + name + ".jar", status(name));
    }

    static BridgeInfo stopped(String name, long id) {
        return new BridgeInfo(name, BridgeInfo.State.UNPLUGGED, id, "org.vnicteam.bridge.device." + name, "RESOLVED",
                "file:/home/data/bridges/org.vnicteam.bridge.device." + name + ".jar", null);
    }

    final FakeInventory inventory = new FakeInventory();
    final BridgeCommands commands = new BridgeCommands(inventory, 50);

    @Test
    void givenTwoBridges_whenAnUnknownNameIsGiven_thenEachCommandNamesTheBridgesThereAre() {
        inventory.bridges.add(plugged("bridgeA", 37));
        inventory.bridges.add(stopped("bridgeB", 38));
        String expected = "unknown bridge 'bridgeC'; bridges: bridgeA (plugged), bridgeB (unplugged)";
        assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> commands.status("bridgeC")).getMessage());
        assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> commands.unplug("bridgeC")).getMessage());
        assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> commands.plug("bridgeC")).getMessage());
        assertTrue(inventory.calls.isEmpty(), inventory.calls.toString());
    }

    @Test
    void givenNoBridges_whenANameIsGiven_thenItSaysThereAreNone() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> commands.plug("bridgeA"));
        assertEquals("unknown bridge 'bridgeA'; there are no bridges (no device bundle is installed and no "
                + "org.vnicteam.bridge configuration exists)", e.getMessage());
        assertTrue(BridgeText.overview(commands.status()).startsWith("bridges: 0, 0 plugged, 0 unplugged (no device"));
    }

    @Test
    void givenABridgeFromConfigurationOnly_whenUnplugged_thenItSaysToDeleteTheConfiguration() {
        inventory.bridges.add(new BridgeInfo("bridgeX", BridgeInfo.State.PLUGGED, -1, "", "", "", status("bridgeX")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> commands.unplug("bridgeX"));
        assertEquals("bridge 'bridgeX' has no device bundle: it comes from the configuration "
                + "org.vnicteam.bridge~bridgeX; delete that configuration to unplug it", e.getMessage());
        assertTrue(BridgeText.detail(commands.status("bridgeX")).contains("no device bundle: configuration "
                + "org.vnicteam.bridge~bridgeX"));
    }

    @Test
    void givenAPluggedBridge_whenUnpluggedAndPlugged_thenItsDeviceBundleIsStoppedAndStarted() {
        inventory.bridges.add(plugged("bridgeA", 37));
        inventory.bridges.add(plugged("bridgeB", 38));

        BridgeInfo unplugged = commands.unplug("bridgeA");
        assertEquals(BridgeInfo.State.UNPLUGGED, unplugged.state());
        assertEquals(BridgeInfo.State.UNPLUGGED, commands.unplug("bridgeA").state(), "unplugging twice is harmless");
        BridgeInfo plugged = commands.plug("bridgeA");
        assertEquals(BridgeInfo.State.PLUGGED, plugged.state());
        assertEquals(BridgeInfo.State.PLUGGED, commands.plug("bridgeA").state(), "plugging twice is harmless");

        assertEquals(List.of("stop 37", "start 37"), inventory.calls, "bridge B untouched");
        assertTrue(BridgeText.detail(unplugged).contains("bridge:plug bridgeA plugs it in (start 37)"),
                BridgeText.detail(unplugged));
    }

    @Test
    void givenAnUninstalledDeviceBundle_whenPlugged_thenItIsInstalledFromItsLocationAndStarted() {
        inventory.bridges.add(new BridgeInfo("bridgeA", BridgeInfo.State.UNPLUGGED, -1,
                "org.vnicteam.bridge.device.bridgeA", "UNINSTALLED", LOCATION_A, null));
        assertTrue(BridgeText.line(commands.list().get(0)).contains("UNINSTALLED"));

        BridgeInfo b = commands.plug("bridgeA");

        assertEquals(List.of("install " + LOCATION_A, "start 100"), inventory.calls);
        assertEquals(BridgeInfo.State.PLUGGED, b.state());
        assertEquals(100, b.bundleId());
    }

    @Test
    void givenADeviceBundleThatFailsToStart_whenPlugged_thenTheMessageSaysWhich() {
        inventory.bridges.add(stopped("bridgeA", 37));
        inventory.failStart = new BundleException("Unable to resolve: missing requirement osgi.extender");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> commands.plug("bridgeA"));
        assertEquals("cannot start device bundle 37 (org.vnicteam.bridge.device.bridgeA) of bridge 'bridgeA': "
                + "Unable to resolve: missing requirement osgi.extender", e.getMessage());
    }

    @Test
    void givenADeviceThatNeverComesUp_whenPlugged_thenItReturnsAfterTheWaitSayingWhatItWaitsFor() {
        inventory.bridges.add(stopped("bridgeA", 37));
        inventory.deviceComesUp = false;
        long t = System.nanoTime();
        BridgeInfo b = commands.plug("bridgeA");
        assertTrue(System.nanoTime() - t < 2_000_000_000L, "bounded wait");
        assertEquals(BridgeInfo.State.PLUGGING, b.state());
        assertTrue(BridgeText.detail(b).contains("waits for its fabric adapter"), BridgeText.detail(b));
        assertTrue(BridgeText.overview(commands.status()).contains("plugging in: bridgeA"));
    }

    @Test
    void givenBridges_whenRendered_thenATableRowPerBridgeWithCarrierSessionsAndCounters() {
        inventory.bridges.add(plugged("bridgeA", 37));
        inventory.bridges.add(stopped("bridgeB", 38));
        String text = BridgeText.overview(commands.status());
        List<String> lines = text.lines().toList();
        assertEquals("bridges: 2, 1 plugged, 1 unplugged", lines.get(0));
        assertTrue(lines.get(2).startsWith("BRIDGE   STATE      CARRIER  SESSIONS  MAC"), text);
        assertTrue(lines.get(3).matches("bridgeA\\s+plugged\\s+up\\s+0\\s+02:00:00:00:0a:01\\s+2\\s+10\\s+20\\s+4\\s+2\\s+-\\s+37 ACTIVE"),
                text);
        assertTrue(lines.get(4).matches("bridgeB\\s+unplugged\\s+-.*38 RESOLVED"), text);
        String detail = BridgeText.detail(commands.status("bridgeA"));
        assertTrue(detail.startsWith("bridge bridgeA: plugged, carrier up, 0 sessions\n"), detail);
        assertTrue(detail.contains("dropped   4: oversize 0, no carrier 1, filtered 3"), detail);
        BridgeConverter converter = new BridgeConverter();
        assertEquals("bridgeA", converter.format(commands.status("bridgeA"), BridgeConverter.PART, null));
        assertEquals(detail, converter.format(commands.status("bridgeA"), BridgeConverter.INSPECT, null));
    }

    @Test
    void givenAProbingBridgeWithALostVlan_whenRendered_thenThePathIsLostInTheRow_andEachWatchHasALine() {
        BridgeStatus base = status("bridgeA");
        ProbeStatus probes = new ProbeStatus(2000, 4, 900, 0, 880, 3, 1, 1, List.of(
                new ProbeStatus.Watch("02:76:6e:00:00:01", 1, true, true, true, List.of("02:00:00:00:0b:01"), 450, 430,
                        1, 12_300_000, 57_000_000, 28_500_000),
                new ProbeStatus.Watch("02:76:6e:00:00:01", 2, true, true, false, List.of("02:00:00:00:0b:01"), 450,
                        450, 0, 100_000)));
        inventory.bridges.add(new BridgeInfo("bridgeA", BridgeInfo.State.PLUGGED, 37, "org.vnicteam.bridge.device.bridgeA",
                "ACTIVE", "file:/x.jar", new BridgeStatus(base.name(), base.adapterName(), base.ethernetPort(), base.mac(),
                        base.ethernetMtu(), true, 2, base.counters(), List.of(), probes)));
        String row = BridgeText.overview(commands.status()).lines().filter(l -> l.startsWith("bridgeA")).findFirst()
                .orElseThrow();
        assertTrue(row.matches("bridgeA\\s+plugged\\s+up\\s.*\\s+LOST\\s+37 ACTIVE"), row);
        String detail = BridgeText.detail(commands.status("bridgeA"));
        assertTrue(detail.contains("probes    every 2.0 ms, lost after 4 silent; path LOST; sent 900 (refused 0), "
                + "heard 880, ignored 3, malformed 1, path lost 1 time"), detail);
        assertTrue(detail.lines().anyMatch(l -> l.matches("02:76:6e:00:00:01\\s+1\\s+LOST\\s+02:00:00:00:0b:01\\s+450"
                + "\\s+430\\s+1\\s+12\\.3 ms\\s+57\\.0 ms\\s+28\\.5 ms")), detail);
        assertTrue(detail.lines().anyMatch(l -> l.matches("02:76:6e:00:00:01\\s+2\\s+armed\\s.*")), detail);
    }

    @Test
    void everyCommandAndParameterHasADescriptor() {
        assertDescribed(BridgeCommands.class);
    }

    /**
     * Every function the component registers (its osgi.command.function property, read from the
     * component description bnd generated) is public and described, and so is each of its parameters.
     */
    static void assertDescribed(Class<?> commands) {
        List<String> functions = functions(commands);
        assertFalse(functions.isEmpty(), "no osgi.command.function in the component description of " + commands);
        for (String f : functions) {
            List<Method> methods = Arrays.stream(commands.getMethods()).filter(m -> m.getName().equals(f)).toList();
            assertFalse(methods.isEmpty(), "no public method " + f);
            for (Method m : methods) {
                assertTrue(Modifier.isPublic(m.getModifiers()));
                assertNotNull(m.getAnnotation(Descriptor.class), m + " has no @Descriptor");
                for (Parameter p : m.getParameters()) {
                    if (p.getType() != CommandSession.class) {
                        assertNotNull(p.getAnnotation(Descriptor.class), m + ": parameter " + p + " has no @Descriptor");
                    }
                }
            }
        }
    }

    static List<String> functions(Class<?> commands) {
        String resource = "/OSGI-INF/" + commands.getName() + ".xml";
        try (InputStream in = commands.getResourceAsStream(resource)) {
            assertNotNull(in, resource + " (bnd-process writes it into target/classes)");
            String xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("name=\"osgi.command.function\"[^>]*>([^<]*)<").matcher(xml);
            assertTrue(m.find(), xml);
            return Arrays.stream(m.group(1).split("\\s+")).filter(x -> !x.isEmpty()).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}

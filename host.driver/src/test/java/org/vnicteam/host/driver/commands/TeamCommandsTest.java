package org.vnicteam.host.driver.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.felix.service.command.Converter;
import org.apache.felix.service.command.Descriptor;
import org.junit.jupiter.api.Test;
import org.vnicteam.api.host.FailbackPolicy;
import org.vnicteam.api.host.LinkState;
import org.vnicteam.api.host.MiniportStatus;
import org.vnicteam.api.host.Team;
import org.vnicteam.api.host.TeamStatus;

/** The team console commands outside OSGi: descriptors, argument errors, rendering. */
class TeamCommandsTest {

    static final TeamStatus.MemberStatus A = new TeamStatus.MemberStatus("vnicA", "bridgeA", 200, false,
            LinkState.DOWN, TeamStatus.Role.FAILED, true, false, true, "BRIDGE_LINK down: LINK_STATUS", 10, 1000,
            9, 900, 0);
    static final TeamStatus.MemberStatus B = new TeamStatus.MemberStatus("vnicB", "bridgeB", 100, false,
            LinkState.UP, TeamStatus.Role.ACTIVE, true, true, true, "SESSION up", 5, 500, 4, 400, 2);
    static final TeamStatus STATUS = new TeamStatus("team0", "02:76:6e:00:00:01", FailbackPolicy.NONE, "", 100, 0,
            "vnicB", true, List.of(A, B), new TeamStatus.Counters(15, 1500, 0, 0, 13, 1300, 2, 0, 0, 3, 0, 4), 1,
            new TeamStatus.FailoverRecord(1, Instant.parse("2026-01-01T00:00:00Z"), "vnicA", "vnicB",
                    "vnicA BRIDGE_LINK down", 248_000, 957_000, 3, 2),
            List.of(new TeamStatus.TeamEvent(Instant.parse("2026-01-01T00:00:00Z"), "ACTIVE", "vnicB",
                    "active vnicA -> vnicB")));

    static final Team TEAM = new Team() {
        @Override
        public String name() {
            return "team0";
        }

        @Override
        public String active() {
            return STATUS.active();
        }

        @Override
        public TeamStatus status() {
            return STATUS;
        }
    };

    @Test
    void givenTheCommandClasses_whenInspected_thenEveryRegisteredFunctionAndParameterHasADescriptor() {
        for (Class<?> c : List.of(TeamCommands.class, TeamTrafficCommands.class)) {
            String xml = description(c);
            assertTrue(xml.contains(">team<") || xml.contains("value=\"team\""), "scope team: " + xml);
            Matcher fm = Pattern.compile("name=\"osgi.command.function\"[^>]*>([^<]*)<").matcher(xml);
            assertTrue(fm.find(), xml);
            List<String> functions = Arrays.stream(fm.group(1).split("\\s+")).filter(x -> !x.isEmpty()).toList();
            assertTrue(functions.size() >= 4, xml);
            for (String f : functions) {
                List<Method> ms = Arrays.stream(c.getMethods()).filter(m -> m.getName().equals(f)).toList();
                assertTrue(!ms.isEmpty(), c.getSimpleName() + "." + f);
                for (Method m : ms) {
                    assertTrue(Modifier.isPublic(m.getModifiers()));
                    assertNotNull(m.getAnnotation(Descriptor.class), m.toString());
                    for (Parameter p : m.getParameters()) {
                        assertNotNull(p.getAnnotation(Descriptor.class), m + " " + p);
                    }
                }
            }
        }
    }

    /** The component description bnd generated into target/classes. */
    private static String description(Class<?> c) {
        String resource = "/OSGI-INF/" + c.getName() + ".xml";
        try (InputStream in = c.getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void givenABadPolicyOrMember_whenFailback_thenTheMessageSaysWhatIsAllowed() {
        TeamCommands commands = new TeamCommands(TEAM, null, null);
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> commands.failback("sometimes"));
        assertEquals("POLICY 'sometimes' is not a fail-back policy; policies: none, primary, better", bad.getMessage());
        IllegalArgumentException member = assertThrows(IllegalArgumentException.class,
                () -> commands.failback("primary", "vnicC"));
        assertEquals("unknown member 'vnicC'; members: vnicA, vnicB", member.getMessage());
        IllegalArgumentException notPrimary = assertThrows(IllegalArgumentException.class,
                () -> commands.failback("better", "vnicA"));
        assertEquals("MEMBER is only for 'primary'; team:failback better takes no member", notPrimary.getMessage());
    }

    @Test
    void givenAStatusAfterAFailover_whenRendered_thenRolesCauseAndDurationShow() {
        String text = new TeamConverter().format(STATUS, Converter.INSPECT, null).toString();
        assertTrue(text.startsWith("team team0: active vnicB; 2 members (1 active, 0 backup, 1 failed), 1 fail-overs\n"),
                text);
        assertTrue(text.lines().anyMatch(l -> l.matches("vnicA\\s+bridgeA\\s+200\\s+failed\\s+DOWN\\s.*")), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("vnicB\\s+bridgeB\\s+100\\s+active\\s+UP\\s.*")), text);
        assertTrue(text.contains("vnicA -> vnicB, cause: vnicA BRIDGE_LINK down"), text);
        assertTrue(text.contains("first frame through vnicB 0.248 ms after the report, action done in 0.957 ms; "
                + "3 frames replayed, 2 learning frames"), text);
        assertEquals("team team0: active vnicB; 2 members (1 active, 0 backup, 1 failed), 1 fail-overs",
                new TeamConverter().format(STATUS, Converter.LINE, null).toString());
    }

    @Test
    void givenAMemberWhosePathIsLost_whenRendered_thenItIsCountedDegradedWithItsPathState() {
        TeamStatus.MemberStatus degraded = new TeamStatus.MemberStatus("vnicA", "bridgeA", 200, false, LinkState.UP,
                TeamStatus.Role.BACKUP, true, true, true, "PATH down: LINK_STATUS", 10, 1000, 9, 900, 0, false,
                LinkState.DOWN, 2);
        TeamStatus s = new TeamStatus("team0", "02:76:6e:00:00:01", FailbackPolicy.NONE, "", 100, 0, "vnicB", true,
                List.of(degraded, B), STATUS.counters(), 1, STATUS.lastFailover(), List.of(), 5);
        String text = new TeamConverter().format(s, Converter.INSPECT, null).toString();
        assertTrue(text.startsWith("team team0: active vnicB; 2 members (1 active, 1 backup, 0 failed), 1 fail-overs, "
                + "1 degraded (path lost)\n"), text);
        assertTrue(text.contains("path down delay 5 ms"), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("vnicA\\s+bridgeA\\s+200\\s+backup\\s+UP\\s+up\\s+up\\s+up"
                + "\\s+DOWN \\(lost 2\\)\\s.*")), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("vnicB\\s+bridgeB\\s+100\\s+active\\s+UP\\s+up\\s+up\\s+up"
                + "\\s+UP\\s.*")), text);
    }

    @Test
    void givenAFailbackChange_whenRendered_thenBeforeAndAfterShow() {
        TeamStatus after = new TeamStatus("team0", "02:76:6e:00:00:01", FailbackPolicy.PRIMARY, "", 100, 0, "vnicA",
                true, List.of(), STATUS.counters(), 2, null, List.of());
        String text = new TeamConverter().format(new FailbackChange(FailbackPolicy.NONE, "", "vnicB", after),
                Converter.INSPECT, null).toString();
        assertTrue(text.startsWith("team team0: fail-back none -> primary (applied live;"), text);
        assertTrue(text.contains("active vnicA (was vnicB: the new policy failed back)"), text);
    }

    @Test
    void givenAnUpperTarget_whenShown_thenItsNameOnly() {
        assertEquals("server-vlan1", TeamText.upper("(upper.name=server-vlan1)"));
        assertEquals("(&(upper.name=x)(a=b))", TeamText.upper("(&(upper.name=x)(a=b))"));
    }

    @Test
    void givenMiniportsAndTheirUpperBindings_whenRendered_thenTheTableThenOneLinePerBinding() {
        MiniportStatus vlan1 = new MiniportStatus("vlan1", 1, "(upper.name=server-vlan1)", true, "198.18.1.1", 7, 700,
                5, 500, 1, 0, 0, 0, 0, 0, 1);
        String tap = "upper server-vlan1: TAP vlan1 198.18.1.1/24 carrier; from the kernel 8 frames (dropped: 1 by "
                + "the miniport, 0 unbound, 0 read errors); to the kernel 5 frames (dropped: 0 refused, 0 errors)";
        String text = new TeamConverter().format(new MiniportReport(List.of(vlan1), List.of(tap)), Converter.INSPECT,
                null).toString();
        List<String> lines = text.lines().toList();
        assertTrue(lines.get(0).startsWith("MINIPORT"), text);
        assertTrue(lines.get(1).matches("vlan1\\s+1\\s+server-vlan1\\s+connected\\s+198\\.18\\.1\\.1\\s+7\\s+5\\s+1\\s.*"),
                text);
        assertEquals(tap, lines.get(2));
    }
}

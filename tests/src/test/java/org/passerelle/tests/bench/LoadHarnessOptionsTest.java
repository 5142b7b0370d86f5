package org.passerelle.tests.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line of {@code bench load} about the peer, and the side-by-side table. */
class LoadHarnessOptionsTest {
    @Test
    void thePeerOnlyJoinsLiveKitRooms() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoadHarness.Options.parse(new String[] {"--peer", "livekit-sip"}));
        assertTrue(e.getMessage().contains("--platform livekit"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> LoadHarness.Options.parse(new String[] {"--platform", "livekit", "--peer", "asterisk"}));
    }

    @Test
    void anOptionGivenTwiceIsRefusedNotOverridden() {
        // The launcher once appended its own --jar after the caller's: an A/B ran one build twice.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoadHarness.Options.parse(
                new String[] {"--jar", "/tmp/old.jar", "--calls", "10", "--jar", "gateway/target/passerelle.jar"}));
        assertTrue(e.getMessage().contains("--jar given twice"), e.getMessage());
        assertEquals(java.nio.file.Path.of("/tmp/old.jar"),
                LoadHarness.Options.parse(new String[] {"--jar", "/tmp/old.jar", "--calls", "10"}).jar());
    }

    @Test
    void embeddedHasNoPeerAndLiveKitDefaultsToThePeerWhenBuilt() {
        assertEquals(LoadHarness.Peer.NONE, LoadHarness.Options.parse(new String[0]).peer());
        LoadHarness.Peer expected = BenchLiveKitSip.binary().isPresent() ? LoadHarness.Peer.LIVEKIT_SIP : LoadHarness.Peer.NONE;
        assertEquals(expected, LoadHarness.Options.parse(new String[] {"--platform", "livekit"}).peer());
        assertEquals(LoadHarness.Peer.NONE, LoadHarness.Options.parse(new String[] {"--platform", "livekit", "--peer", "none"}).peer());
    }

    @Test
    void theTablePutsBothSidesAndTheirRatioOnOneLine() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("kind", "livekit");
        report.put("gateway", Map.of("cpuSecondsPerCallMinute", 0.7, "rssPerCallKiB", 3000.0));
        report.put("inviteTo200Ms", Map.of("p50", 20.0, "p99", 120.0));
        Map<String, Object> peer = new LinkedHashMap<>();
        peer.put("version", "v1.8.0");
        peer.put("process", Map.of("cpuSecondsPerCallMinute", 1.4, "rssPerCallKiB", 4000.0));
        peer.put("inviteTo200Ms", Map.of("p50", 40.0, "p99", 60.0));
        report.put("livekitSip", peer);
        report.put("passerelleToLiveKitSip", Map.of("cpuSecondsPerCallMinute", 0.5, "inviteTo200_p99", 2.0));

        String table = LoadReport.table(report);

        assertTrue(table.lines().anyMatch(l -> l.contains("CPU s per call-minute") && l.contains("0.7")
                && l.contains("1.4") && l.contains("0.5 ×")), table);
        assertTrue(table.lines().anyMatch(l -> l.contains("inviteTo200 ms p99") && l.contains("120.0")
                && l.contains("60.0") && l.contains("2.0 ×")), table);
    }

    @Test
    void aPeerNotRunIsSaid() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("kind", "livekit");
        report.put("livekitSip", Map.of("notRun", "livekit-sip v1.8.0 not built"));
        assertTrue(LoadReport.table(report).contains("LiveKit SIP: not run (livekit-sip v1.8.0 not built)"));
    }
}

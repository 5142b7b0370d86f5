package org.passerelle.tests.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.passerelle.tests.TestDirs;

/**
 * The LiveKit load path end to end, tiny (6 calls in 2 rooms for 6 s): the harness's own
 * livekit-server, the gateway on LiveKit rooms, one LiveKit talker per room. Skipped when the
 * server binary or the LiveKit client is not installed (tests/setup.sh builds both). When
 * LiveKit SIP is built, the same calls then run through it on the same server. Asserts
 * that calls were set up, heard the room across the SFU, and the figures were produced; never a
 * timing.
 */
class LoadHarnessLiveKitSmokeTest {
    @Test
    void sixCallsThroughLiveKitProduceAReport(TestInfo info) throws Exception {
        assumeTrue(BenchLiveKitServer.binary().isPresent(), "livekit-server not built (tests/setup.sh livekit)");
        Path client = Path.of("").toAbsolutePath();
        while (client != null && !Files.isDirectory(client.resolve("tests/livekit/client"))) client = client.getParent();
        assumeTrue(client != null && Files.isDirectory(client.resolve("tests/livekit/client/node_modules")),
                "LiveKit client not installed (tests/setup.sh livekit_client)");
        Path out = TestDirs.forTest(info);
        // The same calls through LiveKit SIP too when it is built (tests/setup.sh livekit_sip).
        boolean peer = BenchLiveKitSip.binary().isPresent();
        LoadHarness.Options options = new LoadHarness.Options(6, 6, 2, 10, null, out, 0.5, false,
                LoadHarness.Platform.LIVEKIT, peer ? LoadHarness.Peer.LIVEKIT_SIP : LoadHarness.Peer.NONE);

        Map<String, Object> report = LoadHarness.run(options);

        assertEquals("livekit", report.get("kind"));
        assertEquals(6, ((Number) report.get("callsEstablished")).intValue(), () -> "report: " + report);
        assertTrue(((Number) report.get("callsWithAudioBack")).intValue() > 0, "calls heard their room");
        @SuppressWarnings("unchecked")
        Map<String, Object> latency = (Map<String, Object>) report.get("addedLatencyMs");
        assertTrue(((Number) latency.get("count")).intValue() > 0, () -> "talker bursts crossed LiveKit: " + report);
        @SuppressWarnings("unchecked")
        Map<String, Object> sfu = (Map<String, Object>) report.get("livekitServer");
        assertNotNull(sfu.get("cpuSecondsPerCallMinute"));
        assertNotNull(report.get("ratioToCodecLimit"));
        @SuppressWarnings("unchecked")
        Map<String, Object> lks = (Map<String, Object>) report.get("livekitSip");
        if (peer) {
            assertNull(lks.get("failed"), () -> "LiveKit SIP phase: " + lks);
            assertEquals(6, ((Number) lks.get("callsEstablished")).intValue(), () -> "LiveKit SIP: " + lks);
            assertTrue(((Number) lks.get("callsWithAudioBack")).intValue() > 0, () -> "LiveKit SIP callers heard their room: " + lks);
            @SuppressWarnings("unchecked")
            Map<String, Object> process = (Map<String, Object>) lks.get("process");
            assertNotNull(process.get("cpuSecondsPerCallMinute"), () -> "livekit-sip sampled: " + lks);
            @SuppressWarnings("unchecked")
            Map<String, Object> ratios = (Map<String, Object>) report.get("passerelleToLiveKitSip");
            assertNotNull(ratios.get("cpuSecondsPerCallMinute"), () -> "ratios: " + ratios);
        } else {
            assertNotNull(lks.get("notRun"));
        }
        System.out.println(LoadReport.table(report));
    }
}

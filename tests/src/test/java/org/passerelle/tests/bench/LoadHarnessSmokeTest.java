package org.passerelle.tests.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.passerelle.tests.TestDirs;

/**
 * The load harness end to end, small (20 calls for 5 s), so it cannot rot: a gateway process, a
 * generator process, the report. Asserts that calls were set up and the figures were produced,
 * never a timing.
 */
class LoadHarnessSmokeTest {
    @Test
    void twentyCallsForFiveSecondsProduceAReport(TestInfo info) throws Exception {
        Path out = TestDirs.forTest(info);
        // No --jar: the gateway runs from this test's classpath, in its own process all the same.
        LoadHarness.Options options = new LoadHarness.Options(20, 5, 2, 20, null, out, 0.5, false);

        Map<String, Object> report = LoadHarness.run(options);

        assertEquals(20, ((Number) report.get("callsEstablished")).intValue(), () -> "report: " + report);
        assertEquals(0, ((Number) report.get("callsFailed")).intValue());
        @SuppressWarnings("unchecked")
        Map<String, Object> gateway = (Map<String, Object>) report.get("gateway");
        assertTrue(((Number) gateway.get("cpuSecondsPerCallMinute")).doubleValue() > 0, () -> "gateway: " + gateway);
        assertNotNull(gateway.get("rssPerCallKiB"));
        // The steady state: the hold's second half alone (5 s hold: 2.5 s).
        assertTrue(((Number) gateway.get("cpuSecondsPerCallMinuteSecondHalf")).doubleValue() > 0, () -> "gateway: " + gateway);
        @SuppressWarnings("unchecked")
        Map<String, Object> setup = (Map<String, Object>) report.get("inviteTo200Ms");
        assertEquals(20, ((Number) setup.get("count")).intValue());
        assertTrue(((Number) report.get("callsWithAudioBack")).intValue() > 0, "calls heard the room");
        assertTrue(((Number) report.get("packetsExpected")).longValue() > 0, "RTP came back");
        assertNotNull(report.get("ratioToCodecLimit"));
        assertNotNull(report.get("ratioToCodecLimitSecondHalf"));
        @SuppressWarnings("unchecked")
        Map<String, Object> limits = (Map<String, Object>) report.get("codecLimit");
        assertTrue(((Number) limits.get("udpFloorCpuSecondsPerCallMinute")).doubleValue() > 0, () -> "limits: " + limits);
        assertNotNull(report.get("ratioToCodecLimitPlusUdpFloor"));
        assertTrue(Files.size(Path.of((String) report.get("jsonFile"))) > 0);
        System.out.println(LoadReport.table(report));
    }
}

package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proves the browser harness without the gateway: the fake microphone plays the sox tone, a page
 * loops it through two RTCPeerConnections (pc1 to pc2 over host candidates) and an AnalyserNode on
 * the received audio finds the file's frequency (not Chromium's built-in fake beep).
 */
@Timeout(60)
class BrowserHarnessSelfTest {
    /** AnalyserNode bins are 5.9 Hz wide (fftSize 8192 at 48 kHz). */
    static final double TOLERANCE_HZ = 10;

    private Path work;

    @BeforeEach
    void setUp(TestInfo info) {
        work = TestDirs.forTest(info);
    }

    @ParameterizedTest(name = "{0} Hz")
    @ValueSource(ints = {440, 1700})
    void fakeMicrophoneToneCrossesAPeerConnectionAndIsAnalysed(int hz) throws Exception {
        try (StaticPages pages = StaticPages.start();
             Browser browser = Browser.builder("loopback", work).tone(hz).start()) {
            browser.open(pages.url("loopback.html"));
            Await.until(() -> !"connecting".equals(browser.script("return window.selftest.state;"))
                            && !"idle".equals(browser.script("return window.selftest.state;")),
                    Duration.ofSeconds(15), () -> "page never connected" + browser.console());
            assertEquals("connected", browser.script("return window.selftest.state;"),
                    "error " + browser.script("return window.selftest.error;") + browser.console());

            browser.awaitReadings("window.selftest.dominantFrequency()", f -> Math.abs(f - hz) <= TOLERANCE_HZ,
                    5, Duration.ofSeconds(10), "dominant frequency should be the file's " + hz + " Hz");
            double level = browser.number("window.selftest.level()");
            assertTrue(level > 0.05, "received RMS " + level + " (file is a half-scale sine, RMS 0.35)");
            // The test's own probe on the page's <audio> element agrees, and the tone is clean.
            int other = hz == 440 ? 1700 : 440;
            double[] db = RemoteAudioProbe.levelsDb(browser, hz, other);
            assertTrue(db != null && db[0] > RemoteAudioProbe.SILENCE_DB && db[1] <= db[0] - 40,
                    "probe levels at " + hz + " and " + other + " Hz: " + java.util.Arrays.toString(db));
            Map<?, ?> inbound = (Map<?, ?>) browser.awaitPromise("window.selftest.inbound()");
            assertTrue(((Number) inbound.get("packetsReceived")).longValue() > 0, "inbound " + inbound);

            Path shot = browser.screenshot("connected");
            assertTrue(Files.size(shot) > 0, shot.toString());
            Files.writeString(browser.dir().resolve("candidate-pair.txt"),
                    browser.script("return window.selftest.pair;") + "\n");
        }
    }

    @Test
    void roomPageHooksAreReadFromAStandInPage() throws Exception {
        // loopback.html also carries window.passerelle hooks and a Leave button like the room page's.
        try (StaticPages pages = StaticPages.start();
             Browser browser = Browser.builder("standin", work).tone(1000).start()) {
            RoomPage page = RoomPage.open(browser, pages.url("loopback.html") + "?name=Ada&autojoin=1");
            page.awaitState("connected", Duration.ofSeconds(15));
            assertEquals("self-1", page.id());
            assertEquals(new RoomPage.Participant("self-1", "Ada", "browser", false), page.self());
            assertEquals(2, page.awaitParticipants(l -> l.size() == 2, Duration.ofSeconds(1), "two").size());
            page.awaitHearing(Duration.ofSeconds(10), 1000);
            page.assertHearsTones(new double[] {1000}, 440);
            assertTrue(page.audioLevel() > 0.05, "level " + page.audioLevel());
            assertTrue(((Number) page.inboundStats().get("packetsReceived")).longValue() > 0);
            page.clickLeave();
            page.awaitState("left", Duration.ofSeconds(5));
            assertTrue(page.participants().isEmpty());
            assertEquals(null, page.lastError());
        }
    }

    @Test
    void theDebianDriverIsUsedAndSeleniumManagerNeverRuns() throws Exception {
        try (Browser browser = Browser.builder("driver", work).tone(440).start()) {
            assertEquals(2, browser.number("1 + 1"));
        }
        assertEquals(0, Browser.seleniumManagerRuns(), "Selenium Manager ran: it may download drivers");
        assertFalse(Browser.seleniumManagerSkips().isEmpty(), "Selenium did not report skipping Selenium Manager");
        assertTrue(Browser.seleniumManagerSkips().getLast().contains("chromedriver"),
                Browser.seleniumManagerSkips().toString());
    }
}

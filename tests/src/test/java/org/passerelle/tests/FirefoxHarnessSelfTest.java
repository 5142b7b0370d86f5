package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Proves the Firefox harness without the gateway: Firefox's fake microphone crosses two
 * RTCPeerConnections on loopback (loopback.html) and the received tone is the one Firefox is said
 * to send (its default 1 kHz, or the fake_frequency pref); the console reaches console.log; and
 * Selenium Manager never runs.
 */
@Timeout(60)
class FirefoxHarnessSelfTest {
    private Path work;

    @BeforeEach
    void setUp(TestInfo info) {
        work = TestDirs.forTest(info);
        RequiredTool.FIREFOX.require();
        RequiredTool.GECKODRIVER.require();
    }

    @ParameterizedTest(name = "tone({0}) sends {1} Hz")
    @CsvSource({"0, 1000", "440, 440"})
    void fakeMicrophoneToneCrossesAPeerConnectionAndIsAnalysed(int tone, int expectedHz) throws Exception {
        try (StaticPages pages = StaticPages.start();
             Browser browser = Browser.builder("loopback", work).firefox().tone(tone).start()) {
            assertEquals(Browser.Engine.FIREFOX, browser.engine());
            assertEquals(expectedHz, browser.toneHz());
            browser.open(pages.url("loopback.html"));
            Await.until(() -> !"connecting".equals(browser.script("return window.selftest.state;"))
                            && !"idle".equals(browser.script("return window.selftest.state;")),
                    Duration.ofSeconds(15), () -> "page never connected" + browser.console());
            assertEquals("connected", browser.script("return window.selftest.state;"),
                    "error " + browser.script("return window.selftest.error;") + browser.console());
            String pair = String.valueOf(browser.script("return window.selftest.pair;"));
            Files.writeString(browser.dir().resolve("candidate-pair.txt"), pair + "\n");
            assertTrue(pair.contains("(host)"), "a host candidate pair expected, not " + pair);

            browser.awaitReadings("window.selftest.dominantFrequency()",
                    f -> Math.abs(f - expectedHz) <= BrowserHarnessSelfTest.TOLERANCE_HZ, 5, Duration.ofSeconds(10),
                    "dominant frequency should be Firefox's " + expectedHz + " Hz");
            double level = browser.number("window.selftest.level()");
            assertTrue(level > 0.01, "received RMS " + level);
            int other = expectedHz == 440 ? 1700 : 440;
            double[] db = RemoteAudioProbe.levelsDb(browser, expectedHz, other);
            assertTrue(db != null && db[0] > RemoteAudioProbe.SILENCE_DB && db[1] <= db[0] - 40,
                    "probe levels at " + expectedHz + " and " + other + " Hz: " + Arrays.toString(db));
            Map<?, ?> inbound = (Map<?, ?>) browser.awaitPromise("window.selftest.inbound()");
            assertTrue(((Number) inbound.get("packetsReceived")).longValue() > 0, "inbound " + inbound);

            Path shot = browser.screenshot("connected");
            assertTrue(Files.size(shot) > 0, shot.toString());
            Await.until(() -> {
                browser.drainConsole();
                try {
                    return Files.readString(browser.consoleLog()).contains("self-test state connected");
                } catch (java.io.IOException e) {
                    return false;
                }
            }, Duration.ofSeconds(5), () -> "page console not in " + browser.consoleLog());
        }
    }

    @Test
    void geckodriverIsGivenAndSeleniumManagerNeverRuns() throws Exception {
        int before = Browser.seleniumManagerRuns();
        Path dir;
        try (Browser browser = Browser.builder("driver", work).firefox().start()) {
            assertEquals(2, browser.number("1 + 1"));
            Object agent = browser.script("return navigator.userAgent;");
            assertTrue(String.valueOf(agent).contains("Firefox/"), "user agent " + agent);
            dir = browser.dir();
        }
        assertEquals(before, Browser.seleniumManagerRuns(), "Selenium Manager ran: it may download drivers");
        assertTrue(Files.readString(dir.resolve("command.txt")).startsWith(RequiredTool.GECKODRIVER.require().toString()),
                "geckodriver not the one required");
    }
}

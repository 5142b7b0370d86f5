package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The gateway's room page ({@code /rooms/<room>}) in a {@link Browser}, read through its test hooks
 * ({@code window.passerelle}: state, id, participants, lastError, dominantFrequency(), audioLevel(),
 * inboundStats()).
 */
public final class RoomPage {
    /** What the page's dominantFrequency() may be off by: its AnalyserNode bins may be 23 Hz or wider. */
    public static final double TOLERANCE_HZ = 30;
    /** Consecutive dominant-frequency readings (50 ms apart) that must agree. */
    static final int READINGS = 5;

    /** One entry of the page's participant list. */
    public record Participant(String id, String name, String kind, boolean muted) {
        static Participant of(Map<?, ?> m) {
            return new Participant(String.valueOf(m.get("id")), String.valueOf(m.get("name")),
                    String.valueOf(m.get("kind")), Boolean.TRUE.equals(m.get("muted")));
        }
    }

    private final Browser browser;

    private RoomPage(Browser browser) {
        this.browser = browser;
    }

    /** Opens {@code /rooms/<room>?name=<name>&autojoin=1}: the page joins with no interaction. */
    public static RoomPage autojoin(Browser browser, TestGateway gateway, String room, String name) {
        return open(browser, gateway.roomPageUrl(room) + "?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8)
                + "&autojoin=1");
    }

    /** Opens a page with the room page's hooks; fails at once when the server does not answer it with 200. */
    public static RoomPage open(Browser browser, String url) {
        // WebDriver does not tell the HTTP status: ask first, so a missing page fails now, not on a timeout.
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                fail("GET " + url + " answered " + r.statusCode() + ": is the room page served?");
            }
        } catch (IOException e) {
            fail("GET " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted", e);
        }
        browser.open(url);
        return new RoomPage(browser);
    }

    /** Joins with autojoin and waits until the page says it is connected. */
    public static RoomPage join(Browser browser, TestGateway gateway, String room, String name) {
        RoomPage page = autojoin(browser, gateway, room, name);
        page.awaitState("connected", Duration.ofSeconds(20));
        return page;
    }

    public Browser browser() {
        return browser;
    }

    private Object hook(String expression) {
        return browser.script("const p = window.passerelle; return p ? (" + expression + ") : null;");
    }

    /** 'idle', 'connecting', 'connected', 'failed' or 'left'; null before the page set up its hooks. */
    public String state() {
        Object s = hook("p.state");
        return s == null ? null : s.toString();
    }

    /** This browser's participant id (from the gateway's {@code joined}). */
    public String id() {
        Object id = hook("p.id");
        return id == null ? null : id.toString();
    }

    public String lastError() {
        Object e = hook("p.lastError");
        return e == null ? null : e.toString();
    }

    public List<Participant> participants() {
        Object list = hook("p.participants");
        List<Participant> out = new ArrayList<>();
        if (list instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> m) {
                    out.add(Participant.of(m));
                }
            }
        }
        return out;
    }

    /** Strongest frequency (Hz) of the remote audio now; NaN when the page has none. */
    public double dominantFrequency() {
        return browser.number("window.passerelle ? window.passerelle.dominantFrequency() : null");
    }

    /** RMS (0..1) of the remote audio now. */
    public double audioLevel() {
        return browser.number("window.passerelle ? window.passerelle.audioLevel() : null");
    }

    /** {packetsReceived, bytesReceived, audioLevel, totalSamplesReceived} of the inbound audio. */
    public Map<?, ?> inboundStats() {
        Object stats = browser.awaitPromise("window.passerelle.inboundStats()");
        return stats instanceof Map<?, ?> m ? m : fail("inboundStats() gave " + stats + browser.console());
    }

    /** Waits for {@code state}; fails at once when the page fails instead (with its lastError). */
    public void awaitState(String state, Duration timeout) {
        Await.until(() -> {
            String now = state();
            if ("failed".equals(now) && !"failed".equals(state)) {
                fail("page in browser '" + browser.name() + "' failed: " + lastError() + browser.console());
            }
            return state.equals(now);
        }, timeout, () -> "page in browser '" + browser.name() + "' should be " + state + ", is " + state()
                + " (lastError " + lastError() + ")" + browser.console());
    }

    /** Waits until the participant list satisfies {@code condition}. */
    public List<Participant> awaitParticipants(Predicate<List<Participant>> condition, Duration timeout, String what) {
        Await.until(() -> condition.test(participants()), timeout,
                () -> "browser '" + browser.name() + "': " + what + "; participants " + participants() + browser.console());
        return participants();
    }

    /** This browser's own entry in its participant list. */
    public Participant self() {
        String id = id();
        return participants().stream().filter(p -> p.id().equals(id)).findFirst()
                .orElseGet(() -> fail("browser '" + browser.name() + "' (id " + id + ") not in its own list "
                        + participants()));
    }

    /** Dominant frequency of the remote audio stays within {@link #TOLERANCE_HZ} of one of {@code hz}. */
    public List<Double> awaitHearing(Duration timeout, double... hz) {
        return browser.awaitReadings("window.passerelle ? window.passerelle.dominantFrequency() : null",
                f -> Arrays.stream(hz).anyMatch(h -> Math.abs(f - h) <= TOLERANCE_HZ), READINGS, timeout,
                "dominant frequency of the remote audio should be one of " + Arrays.toString(hz) + " Hz");
    }

    /**
     * Chromium's voice processing (echo cancellation, noise suppression, AGC: the page asks for them,
     * as it should for people) takes a steady tone down by about 20 dB within 3 s (measured: a
     * half-scale sine, RMS 0.35, settles at RMS 0.037 whatever its frequency). A browser's tone
     * therefore arrives that much weaker than a phone's.
     */
    public static final double VOICE_PROCESSING_DB = 20;

    /**
     * The browser hears every tone of {@code expectedHz} (none more than 12 dB, plus
     * {@link #VOICE_PROCESSING_DB} since some come from browsers, below the loudest) and its own
     * {@code ownHz} at least 20 dB below the weakest; the phones' {@link ToneAssertions} thresholds
     * otherwise. Skipped with a note when the page plays no media element.
     */
    public void assertHearsTones(double[] expectedHz, double ownHz) {
        double[] all = Arrays.copyOf(expectedHz, expectedHz.length + 1);
        all[expectedHz.length] = ownHz;
        double[] db = RemoteAudioProbe.levelsDb(browser, all);
        if (db == null) {
            System.out.println("browser '" + browser.name() + "': page plays no media element; "
                    + "tone levels checked through dominantFrequency() only");
            return;
        }
        StringBuilder facts = new StringBuilder("browser '" + browser.name() + "' tone levels:");
        for (int i = 0; i < all.length; i++) {
            facts.append(String.format(" %.0f Hz %.1f dB", all[i], db[i]));
        }
        System.out.println(facts);
        double loudest = -400, weakest = 0;
        for (int i = 0; i < expectedHz.length; i++) {
            loudest = Math.max(loudest, db[i]);
            weakest = Math.min(weakest, db[i]);
        }
        for (int i = 0; i < expectedHz.length; i++) {
            assertTrue(db[i] >= loudest - ToneAssertions.HEARD_WITHIN_DB - VOICE_PROCESSING_DB,
                    expectedHz[i] + " Hz missing; " + facts);
        }
        assertTrue(loudest > RemoteAudioProbe.SILENCE_DB, "silence; " + facts);
        assertTrue(db[expectedHz.length] <= weakest - ToneAssertions.NOT_HEARD_DB,
                "hears its own " + ownHz + " Hz; " + facts);
    }

    /** Clicks the page's Leave button (id "leave", or a button labelled "Leave"). */
    public void clickLeave() {
        List<WebElement> buttons = browser.findAll(By.xpath("//button[@id='leave' or translate(normalize-space(.),"
                + " 'LEAV', 'leav')='leave']"));
        if (buttons.isEmpty()) {
            fail("browser '" + browser.name() + "': no Leave button (id 'leave' or label 'Leave'); buttons: "
                    + browser.findAll(By.tagName("button")).stream().map(WebElement::getText).toList());
        }
        buttons.getFirst().click();
    }

    @Override
    public String toString() {
        return "RoomPage[" + browser.name() + ", " + state() + "]";
    }
}

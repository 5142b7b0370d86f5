package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.openqa.selenium.MutableCapabilities;
import org.openqa.selenium.SessionNotCreatedException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.remote.RemoteWebDriver;
import org.passerelle.tests.bench.Processes;

/**
 * Headless Firefox ESR (Debian's /usr/bin/firefox-esr) behind a geckodriver this class starts
 * itself on 127.0.0.1, driven over W3C WebDriver by a plain {@link RemoteWebDriver}: Selenium's
 * FirefoxDriver is not on the registry in Selenium's version here, and with an explicit driver URL
 * Selenium never looks for a driver, so Selenium Manager cannot run. Used through
 * {@link Browser.Builder#firefox()}, so {@link RoomPage} and the probes work unchanged.
 *
 * <p>The microphone is Firefox's fake one ({@link #prefs(int)}): a steady sine whose frequency is
 * the pref {@code media.navigator.audio.fake_frequency} (Firefox's default, without the pref: 1000
 * Hz). Its sound card is a {@link PulseNullSink}. Console messages reach Firefox's stdout
 * ({@code devtools.console.stdout.content}), which geckodriver writes to {@code geckodriver.log};
 * {@link #drainConsole()} picks them out.
 */
public final class FirefoxBrowser implements AutoCloseable {
    /** What Firefox's fake microphone plays when no frequency is set. */
    public static final int DEFAULT_TONE_HZ = 1000;

    private static final Duration DRIVER_READY = Duration.ofSeconds(15);
    private static final Set<FirefoxBrowser> LIVE = ConcurrentHashMap.newKeySet();

    static {
        // Never leave Firefox or geckodriver behind, even when a test is interrupted.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(FirefoxBrowser::close)));
    }

    private final Process geckodriver;
    private final PulseNullSink sound;
    private final RemoteWebDriver driver;
    private final Path log;
    private final Path profileRoot;
    private long consumed;

    private FirefoxBrowser(Process geckodriver, PulseNullSink sound, RemoteWebDriver driver, Path log, Path profileRoot) {
        this.geckodriver = geckodriver;
        this.sound = sound;
        this.driver = driver;
        this.log = log;
        this.profileRoot = profileRoot;
    }

    /**
     * Starts geckodriver and a headless Firefox session whose fake microphone plays {@code toneHz}
     * (0: Firefox's own {@value #DEFAULT_TONE_HZ} Hz). Files (geckodriver.log, command.txt) go to
     * {@code dir}; the profile lives in a temp directory removed on {@link #close()}.
     */
    static FirefoxBrowser start(String name, Path dir, int toneHz) throws IOException {
        Path firefox = RequiredTool.FIREFOX.require();
        Path driverBin = RequiredTool.GECKODRIVER.require();
        Path log = dir.resolve("geckodriver.log");
        Path profileRoot = Files.createTempDirectory("passerelle-firefox-");
        int port = FreePorts.udpAndTcp();
        int websocketPort = FreePorts.udpAndTcp();
        List<String> command = List.of(driverBin.toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(port),
                // the Remote Agent's WebSocket: its own port, so several Firefoxes do not fight for 9222
                "--websocket-port", Integer.toString(websocketPort),
                "--profile-root", profileRoot.toString(),
                "--log", "info");
        Map<String, Object> firefoxOptions = new LinkedHashMap<>();
        firefoxOptions.put("binary", firefox.toRealPath().toString());
        firefoxOptions.put("args", List.of("-headless"));
        firefoxOptions.put("prefs", prefs(toneHz));
        MutableCapabilities capabilities = new MutableCapabilities();
        capabilities.setCapability("browserName", "firefox");
        capabilities.setCapability("moz:firefoxOptions", firefoxOptions);
        Files.writeString(dir.resolve("command.txt"), String.join(" ", command) + "\n" + capabilities + "\n");

        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        // Firefox inherits geckodriver's environment: no display, no session bus; its sound card is
        // a private PulseAudio null sink (below), so AudioContexts run in real time.
        pb.environment().put("MOZ_HEADLESS", "1");
        pb.environment().remove("DISPLAY");
        PulseNullSink sound;
        Process process;
        try {
            sound = PulseNullSink.start(profileRoot.resolve("pulse"), dir.resolve("pulseaudio.log"));
        } catch (IOException | RuntimeException | Error e) {
            Browser.deleteTree(profileRoot);
            throw e;
        }
        pb.environment().put("PULSE_SERVER", sound.serverAddress());
        try {
            process = pb.start();
        } catch (IOException e) {
            sound.close();
            Browser.deleteTree(profileRoot);
            throw e;
        }
        try {
            awaitReady(process, port, log);
            RemoteWebDriver driver = new RemoteWebDriver(URI.create("http://127.0.0.1:" + port).toURL(), capabilities);
            FirefoxBrowser started = new FirefoxBrowser(process, sound, driver, log, profileRoot);
            LIVE.add(started);
            return started;
        } catch (RuntimeException | Error | IOException e) {
            stop(process);
            sound.close();
            Browser.deleteTree(profileRoot);
            if (e instanceof SessionNotCreatedException || e instanceof WebDriverException) {
                return fail("firefox '" + name + "' did not start (geckodriver log " + log + "): " + e.getMessage()
                        + "\n" + tail(log), e);
            }
            throw e;
        }
    }

    /**
     * The profile's preferences, each with why: fake media without a prompt, host candidates on
     * loopback with real addresses, sound without a click, the console on stdout.
     */
    static Map<String, Object> prefs(int toneHz) {
        Map<String, Object> p = new LinkedHashMap<>();
        // getUserMedia gets Firefox's fake devices (a sine for audio), granted without a prompt
        p.put("media.navigator.streams.fake", true);
        p.put("media.navigator.permission.disabled", true);
        if (toneHz > 0) {
            p.put("media.navigator.audio.fake_frequency", toneHz);
        }
        // Loopback host candidates allowed (the gateway under test listens on 127.0.0.1 only; with
        // another interface up Firefox 153 still offers only that one, e.g. 192.0.2.2, and its checks
        // reach 127.0.0.1 from there), as real addresses rather than mDNS .local names (RFC 8828
        // obfuscation) the gateway cannot resolve
        p.put("media.peerconnection.ice.loopback", true);
        p.put("media.peerconnection.ice.obfuscate_host_addresses", false);
        // remote audio plays and AudioContexts run without a click
        p.put("media.autoplay.default", 0);
        p.put("media.autoplay.blocking_policy", 0);
        // console.* of the page on Firefox's stdout, which geckodriver writes to its log
        p.put("devtools.console.stdout.content", true);
        // nothing but the page under test on the network
        p.put("network.captive-portal-service.enabled", false);
        p.put("network.connectivity-service.enabled", false);
        p.put("browser.safebrowsing.malware.enabled", false);
        p.put("browser.safebrowsing.phishing.enabled", false);
        p.put("datareporting.policy.dataSubmissionEnabled", false);
        p.put("toolkit.telemetry.enabled", false);
        p.put("app.normandy.enabled", false);
        return p;
    }

    RemoteWebDriver driver() {
        return driver;
    }

    /** Console lines Firefox printed since the last call, e.g. {@code console.log: "..."}. */
    String drainConsole() {
        StringBuilder out = new StringBuilder();
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long end = f.length();
            if (end <= consumed) {
                return "";
            }
            byte[] bytes = new byte[(int) (end - consumed)];
            f.seek(consumed);
            f.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            int lastNewline = text.lastIndexOf('\n');
            if (lastNewline < 0) {
                return "";
            }
            consumed += text.substring(0, lastNewline + 1).getBytes(StandardCharsets.UTF_8).length;
            for (String line : text.substring(0, lastNewline).split("\n")) {
                if (isConsole(line)) {
                    out.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            // diagnosis only
        }
        return out.toString();
    }

    /** Lines of the page's console, and script errors Firefox reports, in geckodriver's log. */
    static boolean isConsole(String line) {
        return line.startsWith("console.") || line.startsWith("JavaScript error") || line.startsWith("JavaScript warning");
    }

    /** Ends the session (Firefox quits), then geckodriver; removes the profile. */
    @Override
    public void close() {
        LIVE.remove(this);
        try {
            driver.quit();
        } catch (WebDriverException e) {
            // geckodriver gone or Firefox crashed: stop() below cleans up
        } finally {
            stop(geckodriver);
            sound.close();
            Browser.deleteTree(profileRoot);
        }
    }

    /** Stops geckodriver and whatever it started (Firefox and its content processes). */
    private static void stop(Process process) {
        List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
        children.forEach(ProcessHandle::destroy);
        Processes.stop(process, Duration.ofSeconds(5));
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static void awaitReady(Process process, int port, Path log) throws IOException {
        URI status = URI.create("http://127.0.0.1:" + port + "/status");
        long deadline = System.nanoTime() + DRIVER_READY.toNanos();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    fail("geckodriver exited with " + process.exitValue() + ":\n" + tail(log));
                }
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(status).timeout(Duration.ofSeconds(1)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for geckodriver", e);
        }
        fail("geckodriver did not answer " + status + " within " + DRIVER_READY.toSeconds() + " s:\n" + tail(log));
    }

    static String tail(Path log) {
        return LogTail.of(log, 30, "geckodriver log");
    }
}

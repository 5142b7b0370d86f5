package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoublePredicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.remote.RemoteWebDriver;

/**
 * A headless Debian Chromium driven by Selenium through the Debian chromedriver, or (with
 * {@link Builder#firefox()}) a headless Firefox ESR through geckodriver ({@link FirefoxBrowser}), with a fake
 * microphone playing a WAV tone (Chromium loops the file). Runs in its own directory under the test
 * work dir, where the fake-mic WAV, the browser console log ({@code console.log}), the chromedriver
 * log and screenshots stay for diagnosis. Always {@link #close()}.
 *
 * <p>Both executables are given explicitly (Debian's /usr/bin/chromium and /usr/bin/chromedriver,
 * found by {@link RequiredTool}), so Selenium Manager (which would download a driver or a
 * browser) never runs; {@link #seleniumManagerRuns()} proves it. Firefox's microphone is its own
 * fake sine ({@link FirefoxBrowser#prefs(int)}), its console comes from geckodriver's log.
 */
public final class Browser implements AutoCloseable {
    /** Length of the fake-mic WAV; Chromium loops it. */
    static final int TONE_SECONDS = 10;

    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PAGE_LOAD_TIMEOUT = Duration.ofSeconds(15);
    private static final Set<RemoteWebDriver> LIVE = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final SeleniumManagerWatch MANAGER_WATCH = new SeleniumManagerWatch();

    /** Held strongly: java.util.logging keeps loggers only weakly. */
    private static final Logger CDP_FINDER = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        // The CDP bindings are left out (pom): WebDriver alone is used, so "no CDP for 156" is noise.
        CDP_FINDER.setLevel(Level.SEVERE);
        // Never leave browsers behind, even when a test is interrupted.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(d -> {
            try {
                d.quit();
            } catch (RuntimeException e) {
                // going down anyway
            }
        })));
    }

    private final String name;
    private final Path dir;
    private final Path userDataDir;
    private final Engine engine;
    private final int toneHz;
    /** Chromium's driver service; null for Firefox. */
    private final ChromeDriverService service;
    /** Firefox's geckodriver and console; null for Chromium. */
    private final FirefoxBrowser firefox;
    private final RemoteWebDriver driver;
    private final Path consoleLog;
    private final AtomicInteger screenshots = new AtomicInteger();
    private boolean closed;

    /** Which browser runs. */
    public enum Engine { CHROMIUM, FIREFOX }

    private Browser(Builder b) throws IOException {
        this.name = b.name;
        this.engine = b.engine;
        this.toneHz = b.toneHz;
        this.dir = b.workRoot.resolve("browser-" + b.name + "-" + SEQUENCE.incrementAndGet());
        Files.createDirectories(dir);
        this.consoleLog = dir.resolve("console.log");
        Files.writeString(consoleLog, "");
        if (engine == Engine.FIREFOX) {
            this.userDataDir = null;
            this.service = null;
            this.firefox = FirefoxBrowser.start(name, dir, b.toneHz);
            this.driver = firefox.driver();
            LIVE.add(driver);
            driver.manage().timeouts().scriptTimeout(SCRIPT_TIMEOUT);
            driver.manage().timeouts().pageLoadTimeout(PAGE_LOAD_TIMEOUT);
            return;
        }
        this.firefox = null;
        Path chromium = RequiredTool.CHROMIUM.require();
        Path chromedriver = RequiredTool.CHROMEDRIVER.require();
        this.userDataDir = Files.createTempDirectory("passerelle-chromium-");
        Path tone = b.toneHz > 0
                ? ToneFiles.pcm48kWav(dir.resolve("mic-" + b.toneHz + "hz.wav"), b.toneHz, TONE_SECONDS) : null;

        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments(arguments(tone, userDataDir));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        Files.writeString(dir.resolve("command.txt"), chromium + " " + String.join(" ", arguments(tone, userDataDir)) + "\n");

        this.service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .withLogFile(dir.resolve("chromedriver.log").toFile())
                .build();
        ChromeDriver started;
        try {
            started = new ChromeDriver(service, options);
        } catch (WebDriverException e) {
            service.stop();
            deleteTree(userDataDir);
            started = fail("chromium '" + name + "' did not start (chromedriver log "
                    + dir.resolve("chromedriver.log") + "): " + e.getMessage(), e);
        }
        this.driver = started;
        LIVE.add(driver);
        driver.manage().timeouts().scriptTimeout(SCRIPT_TIMEOUT);
        driver.manage().timeouts().pageLoadTimeout(PAGE_LOAD_TIMEOUT);
    }

    /** The command line, flags explained where they are not obvious. */
    static List<String> arguments(Path toneWav, Path userDataDir) {
        List<String> args = new ArrayList<>(List.of(
                "--headless=new",
                // root in a container: no user namespaces for the sandbox
                "--no-sandbox",
                "--disable-gpu",
                // /dev/shm is small in containers
                "--disable-dev-shm-usage",
                // getUserMedia is granted without a prompt, from fake devices
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                // remote audio plays and AudioContexts run without a click
                "--autoplay-policy=no-user-gesture-required",
                // Host candidates on 127.0.0.1 too: the gateway under test listens on loopback only.
                "--allow-loopback-in-peer-connection",
                // nothing but the page under test on the network
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-quic",
                "--window-size=1280,900",
                "--user-data-dir=" + userDataDir));
        if (toneWav != null) {
            args.add("--use-file-for-fake-audio-capture=" + toneWav);
        }
        return args;
    }

    public static Builder builder(String name, Path workRoot) {
        return new Builder(name, workRoot);
    }

    public String name() {
        return name;
    }

    public Engine engine() {
        return engine;
    }

    /**
     * The frequency (Hz) of the sine this browser's microphone sends: the builder's tone, or for
     * Firefox without one its own {@value FirefoxBrowser#DEFAULT_TONE_HZ} Hz; 0 for Chromium's beeps.
     */
    public int toneHz() {
        return engine == Engine.FIREFOX && toneHz <= 0 ? FirefoxBrowser.DEFAULT_TONE_HZ : Math.max(0, toneHz);
    }

    public Path dir() {
        return dir;
    }

    /** The browser console, as collected so far (also written on {@link #close()}). */
    public Path consoleLog() {
        return consoleLog;
    }

    public void open(String url) {
        driver.get(url);
        drainConsole();
    }

    /** Runs {@code js} as a function body ({@code return ...}) with {@code arguments}. */
    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /**
     * Runs {@code js} asynchronously: it must call {@code arguments[arguments.length - 1]} with the
     * result (within the 10 s script timeout).
     */
    public Object asyncScript(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(js, args);
    }

    /** Awaits a promise-returning expression, e.g. {@code window.passerelle.inboundStats()}. */
    public Object awaitPromise(String expression) {
        Object r = asyncScript("const done = arguments[arguments.length - 1];"
                + "Promise.resolve().then(() => " + expression + ")"
                + ".then(v => done({ok: v === undefined ? null : v}), e => done({error: String(e)}));");
        if (!(r instanceof Map<?, ?> m)) {
            return fail("browser '" + name + "': " + expression + " gave " + r);
        }
        if (m.containsKey("error")) {
            return fail("browser '" + name + "': " + expression + " failed: " + m.get("error") + console());
        }
        return m.get("ok");
    }

    /** A number the page computes now ({@code null} from the page becomes NaN). */
    public double number(String expression) {
        Object v = script("return (" + expression + ");");
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /**
     * Polls {@code expression} every 50 ms until {@code consecutive} readings in a row satisfy
     * {@code ok}; fails on timeout with the last readings and the console. Returns those readings.
     */
    public List<Double> awaitReadings(String expression, DoublePredicate ok, int consecutive, Duration timeout,
                                      String what) {
        List<Double> recent = new ArrayList<>();
        int[] streak = {0};
        Await.until(() -> {
            double v = number(expression);
            recent.add(v);
            if (recent.size() > 12) {
                recent.remove(0);
            }
            streak[0] = ok.test(v) ? streak[0] + 1 : 0;
            return streak[0] >= consecutive;
        }, timeout, () -> "browser '" + name + "': " + what + "; last readings of " + expression + ": "
                + recent + console());
        return List.copyOf(recent.subList(recent.size() - consecutive, recent.size()));
    }

    public WebElement find(By by) {
        return driver.findElement(by);
    }

    public List<WebElement> findAll(By by) {
        return driver.findElements(by);
    }

    /** Saves a PNG of the page to this browser's directory; returns the file. */
    public Path screenshot(String label) {
        Path file = dir.resolve(String.format("screenshot-%02d-%s.png", screenshots.incrementAndGet(),
                label.replaceAll("[^A-Za-z0-9_-]+", "_")));
        try {
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Moves the console messages gathered by chromedriver (or Firefox's stdout) into {@link #consoleLog()}. */
    public void drainConsole() {
        if (closed) {
            return;
        }
        if (firefox != null) {
            String lines = firefox.drainConsole();
            try {
                if (!lines.isEmpty()) {
                    Files.writeString(consoleLog, lines, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                }
            } catch (IOException e) {
                // diagnosis only
            }
            return;
        }
        try {
            StringBuilder sb = new StringBuilder();
            for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
                sb.append(Instant.ofEpochMilli(e.getTimestamp())).append(' ').append(e.getLevel())
                        .append(' ').append(e.getMessage()).append('\n');
            }
            if (!sb.isEmpty()) {
                Files.writeString(consoleLog, sb, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            }
        } catch (IOException | WebDriverException e) {
            // diagnosis only: never fail a test for it
        }
    }

    /** The last lines of the console, for failure messages. */
    public String console() {
        drainConsole();
        try {
            return "\nbrowser '" + name + "' console (" + consoleLog + "):\n"
                    + String.join("\n", LogTail.lines(consoleLog, 30));
        } catch (IOException e) {
            return "\n(no console log: " + e.getMessage() + ")";
        }
    }

    /** Times Selenium Manager was started in this JVM (it must stay 0: no downloads). */
    public static int seleniumManagerRuns() {
        return MANAGER_WATCH.runs.get();
    }

    /** Selenium's own notes that it skipped Selenium Manager because the driver path was given. */
    public static List<String> seleniumManagerSkips() {
        return List.copyOf(MANAGER_WATCH.skips);
    }

    /** Quits the browser and its driver, keeping the console log; deletes the profile. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        drainConsole();
        closed = true;
        if (firefox != null) {
            try {
                firefox.close();
            } finally {
                LIVE.remove(driver);
            }
            return;
        }
        try {
            driver.quit();
        } catch (WebDriverException e) {
            service.stop();
        } finally {
            LIVE.remove(driver);
            deleteTree(userDataDir);
        }
    }

    public boolean isOpen() {
        return !closed;
    }

    @Override
    public String toString() {
        return "Browser[" + name + (engine == Engine.FIREFOX ? ", firefox" : "") + "]";
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temp dir left behind is harmless
        }
    }

    /** Options for one browser. */
    public static final class Builder {
        private final String name;
        private final Path workRoot;
        private int toneHz = 440;
        private Engine engine = Engine.CHROMIUM;

        private Builder(String name, Path workRoot) {
            if (!name.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException("browser name must be letters, digits, - or _: " + name);
            }
            this.name = name;
            this.workRoot = workRoot;
        }

        /**
         * Frequency of the sine the fake microphone sends (0: Chromium's own fake beeps, or
         * Firefox's own {@value FirefoxBrowser#DEFAULT_TONE_HZ} Hz sine).
         */
        public Builder tone(int hz) {
            this.toneHz = hz;
            return this;
        }

        /**
         * Firefox ESR through geckodriver instead of Chromium. Its fake microphone plays Firefox's
         * sine: set with {@link #tone(int)} (which defaults to 440 Hz), 0 for Firefox's default.
         */
        public Builder firefox() {
            this.engine = Engine.FIREFOX;
            return this;
        }

        public Browser start() throws IOException {
            return new Browser(this);
        }
    }

    /**
     * Watches Selenium's java.util.logging records: SeleniumManager logs "Executing Process" before
     * it runs its binary, DriverFinder logs "Skipping Selenium Manager" when the path was given.
     */
    private static final class SeleniumManagerWatch extends Handler {
        // Held strongly: java.util.logging keeps loggers only weakly.
        private final Logger manager = Logger.getLogger("org.openqa.selenium.manager.SeleniumManager");
        private final Logger finder = Logger.getLogger("org.openqa.selenium.remote.service.DriverFinder");
        final AtomicInteger runs = new AtomicInteger();
        final List<String> skips = new CopyOnWriteArrayList<>();

        SeleniumManagerWatch() {
            setLevel(Level.ALL);
            for (Logger l : new Logger[] {manager, finder}) {
                l.setLevel(Level.FINE);
                l.addHandler(this);
            }
        }

        @Override
        public void publish(LogRecord r) {
            String msg = r.getMessage() == null ? "" : r.getMessage();
            if (msg.startsWith("Executing Process")) {
                runs.incrementAndGet();
            } else if (msg.startsWith("Skipping Selenium Manager")) {
                skips.add(msg);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}

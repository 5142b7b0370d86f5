package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** An external program the end-to-end tests run; a missing one fails the test (never skips it). */
public enum RequiredTool {
    BARESIP("baresip", "baresip"),
    CHROMIUM("chromium", "chromium"),
    CHROMEDRIVER("chromedriver", "chromium-driver"),
    FIREFOX("firefox-esr", "firefox-esr"),
    /**
     * Not packaged by Debian: tests/setup.sh builds it from its crate into the cache
     * ({@code <cache>/geckodriver-<version>/bin}); one on the PATH is used first.
     */
    GECKODRIVER("geckodriver", null),
    NODE("node", "nodejs"),
    PULSEAUDIO("pulseaudio", "pulseaudio"),
    REDIS_SERVER("redis-server", "redis-server"),
    SIPP("sipp", "sip-tester"),
    SOX("sox", "sox");

    /**
     * The geckodriver versions tests/setup.sh builds, preferred first: GECKODRIVER_VERSION there, and
     * GECKODRIVER_OLD_RUST_VERSION when only an old rustc (Debian 12's) is at hand.
     */
    static final List<String> GECKODRIVER_VERSIONS = List.of("0.37.1", "0.32.2");

    private final String command;
    private final String debianPackage;

    RequiredTool(String command, String debianPackage) {
        this.command = command;
        this.debianPackage = debianPackage;
    }

    /** Absolute path of the program; fails the test with the fix when it is not installed. */
    public Path require() {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        if (this == GECKODRIVER) {
            for (String version : GECKODRIVER_VERSIONS) {
                Path built = geckodriverBuild(version);
                if (Files.isExecutable(built)) {
                    return built;
                }
            }
            return fail("'geckodriver' is not built (" + geckodriverBuild(GECKODRIVER_VERSIONS.getFirst())
                    + ", nor on the PATH): run tests/setup.sh firefox");
        }
        return fail("'" + command + "' (Debian package " + debianPackage + ") is not installed: run tests/setup.sh");
    }

    /** Where tests/setup.sh installs geckodriver {@code version} ({@code cargo install --root}). */
    static Path geckodriverBuild(String version) {
        return LiveKitServer.cacheDir().resolve("geckodriver-" + version).resolve("bin").resolve("geckodriver");
    }
}

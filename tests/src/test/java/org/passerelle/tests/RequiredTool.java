package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** An external program the end-to-end tests run; a missing one fails the test (never skips it). */
public enum RequiredTool {
    BARESIP("baresip", "baresip"),
    CHROMIUM("chromium", "chromium"),
    CHROMEDRIVER("chromedriver", "chromium-driver"),
    NODE("node", "nodejs"),
    REDIS_SERVER("redis-server", "redis-server"),
    SIPP("sipp", "sip-tester"),
    SOX("sox", "sox");

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
        return fail("'" + command + "' (Debian package " + debianPackage + ") is not installed: run tests/setup.sh");
    }
}

package org.passerelle.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.TestInfo;

/** Where end-to-end tests keep their files: tests/target/e2e/<class>/<test>/ (kept for diagnosis). */
public final class TestDirs {
    private TestDirs() {}

    /** The tests module's base directory (Surefire runs there; the property is set in the pom). */
    public static Path repoRoot() {
        String repo = System.getProperty("passerelle.repo");
        return repo != null ? Path.of(repo).toAbsolutePath().normalize() : Path.of("..").toAbsolutePath().normalize();
    }

    public static Path root() {
        String work = System.getProperty("passerelle.work");
        return work != null ? Path.of(work) : Path.of("target", "e2e").toAbsolutePath();
    }

    /** A fresh directory for one test (its old content from an earlier run is removed). */
    public static Path forTest(TestInfo info) {
        return forTest(info.getTestClass().map(Class::getSimpleName).orElse("test"),
                info.getTestMethod().map(m -> m.getName()).orElse("test"), info.getDisplayName());
    }

    /** The same, from a JUnit extension's context. */
    public static Path forTest(org.junit.jupiter.api.extension.ExtensionContext context) {
        return forTest(context.getTestClass().map(Class::getSimpleName).orElse("test"),
                context.getTestMethod().map(m -> m.getName()).orElse("test"), context.getDisplayName());
    }

    private static Path forTest(String cls, String method, String displayName) {
        String display = displayName.replaceAll("[^A-Za-z0-9_.-]+", "_").replaceAll("_+$", "");
        String leaf = display.startsWith(method) ? display : method + "_" + display;
        Path dir = root().resolve(cls).resolve(leaf.length() > 80 ? leaf.substring(0, 80) : leaf);
        try {
            if (Files.exists(dir)) {
                try (var walk = Files.walk(dir)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

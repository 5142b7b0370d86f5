package org.passerelle.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The last lines of a peer's log, for failure messages. */
final class LogTail {
    private LogTail() {}

    /** The last {@code count} lines of {@code file}. */
    static List<String> lines(Path file, int count) throws IOException {
        List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
        return all.subList(Math.max(0, all.size() - count), all.size());
    }

    /** The last {@code count} lines joined, or "(no {@code what}: why)" when it cannot be read. */
    static String of(Path file, int count, String what) {
        try {
            return String.join("\n", lines(file, count));
        } catch (IOException | UncheckedIOException e) {
            return "(no " + what + ": " + e.getMessage() + ")";
        }
    }
}

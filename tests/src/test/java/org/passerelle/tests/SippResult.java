package org.passerelle.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What one SIPp run did.
 *
 * @param scenario        scenario file name
 * @param exitCode        SIPp's: 0 all calls succeeded, 1 some failed, 97/99 other ends, 255/-1 fatal
 * @param successfulCalls calls that reached the end of the scenario
 * @param failedCalls     calls aborted (unexpected message, timeout, ...)
 * @param dir             working directory with the logs
 */
public record SippResult(String scenario, int exitCode, int successfulCalls, int failedCalls, Path dir) {

    /** True when every call ran the whole scenario. */
    public boolean passed() {
        return exitCode == 0 && failedCalls == 0 && successfulCalls > 0;
    }

    public Path errorLog() {
        return dir.resolve("errors.log");
    }

    public Path messageLog() {
        return dir.resolve("messages.log");
    }

    /** What the scenario wrote with {@code <log message=...>} (empty when nothing). */
    public List<String> actionLog() {
        try {
            Path log = dir.resolve("actions.log");
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream()
                    .map(String::strip).filter(l -> !l.isEmpty()).toList() : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    public Path output() {
        return dir.resolve("sipp-output.txt");
    }

    /** Assertion message: the numbers, SIPp's unexpected-message log and the end of the message trace. */
    public String describe() {
        return "SIPp " + scenario + ": exit " + exitCode + ", " + successfulCalls + " successful, "
                + failedCalls + " failed (logs in " + dir + ")\n--- errors:\n" + tail(errorLog(), 30)
                + "\n--- last messages:\n" + tail(messageLog(), 60);
    }

    private static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(none)";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}

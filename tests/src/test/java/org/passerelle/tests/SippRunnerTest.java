package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SippRunnerTest {

    @Test
    void readsTheLastCumulativeCountsFromTheStatisticsCsv(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("stats.csv");
        // Shape of SIPp 3.6's -trace_stat file (columns cut down), one line per dump.
        Files.writeString(csv, String.join("\n",
                "StartTime;CurrentCall;SuccessfulCall(P);SuccessfulCall(C);FailedCall(P);FailedCall(C);",
                "2026-11-22\t00:14:08.098651\t1795306448.098651;1;0;0;0;0;",
                "2026-11-22\t00:14:08.098651\t1795306448.098651;0;1;3;0;2;",
                ""));
        assertArrayEquals(new int[] {3, 2}, SippRunner.readCounts(csv));
    }

    @Test
    void noStatisticsMeansNoCalls(@TempDir Path dir) {
        assertArrayEquals(new int[] {0, 0}, SippRunner.readCounts(dir.resolve("missing.csv")));
    }
}

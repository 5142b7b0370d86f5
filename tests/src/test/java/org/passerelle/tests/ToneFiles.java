package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Test audio made with sox. */
public final class ToneFiles {
    private ToneFiles() {}

    /** A sine as 8 kHz mono G.711 u-law WAV, the form SIPp's rtp_stream sends as PCMU (payload 0). */
    public static Path pcmuWav(Path file, int hz, int seconds) throws IOException {
        Path sox = RequiredTool.SOX.require();
        Process p = new ProcessBuilder(sox.toString(), "-n", "-r", "8000", "-c", "1", "-e", "u-law", "-b", "8",
                file.toString(), "synth", Integer.toString(seconds), "sine", Integer.toString(hz), "vol", "0.5")
                .redirectErrorStream(true).start();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.exists(file)) {
                fail("sox could not write " + file + ": " + new String(p.getInputStream().readAllBytes()));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        return file;
    }
}

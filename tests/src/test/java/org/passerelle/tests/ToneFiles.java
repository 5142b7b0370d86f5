package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test audio made with sox. */
public final class ToneFiles {
    private ToneFiles() {}

    /** A sine as 8 kHz mono G.711 u-law WAV, the form SIPp's rtp_stream sends as PCMU (payload 0). */
    public static Path pcmuWav(Path file, int hz, int seconds) throws IOException {
        return sine(file, hz, seconds, "-r", "8000", "-c", "1", "-e", "u-law", "-b", "8");
    }

    /** A half-scale sine as 48 kHz mono 16-bit WAV: a browser's fake microphone (Chromium loops it). */
    public static Path pcm48kWav(Path file, int hz, int seconds) throws IOException {
        return sine(file, hz, seconds, "-r", "48000", "-c", "1", "-b", "16");
    }

    private static Path sine(Path file, int hz, int seconds, String... format) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(RequiredTool.SOX.require().toString(), "-n"));
        cmd.addAll(List.of(format));
        cmd.addAll(List.of(file.toString(), "synth", Integer.toString(seconds), "sine", Integer.toString(hz),
                "vol", "0.5"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
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

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

    /** ITU-T Q.23 row (low) and column (high) frequencies, keys row-major. */
    private static final double[] DTMF_LOW = {697, 770, 852, 941};
    private static final double[] DTMF_HIGH = {1209, 1336, 1477, 1633};
    private static final String DTMF_KEYS = "123A456B789C*0#D";

    /**
     * Keys as in-band DTMF, 8 kHz G.711 u-law WAV for SIPp's rtp_stream: 1 s of silence, then each
     * key as 120 ms of its two Q.23 tones (each at -10 dBFS) and 120 ms of silence, then 1 s of
     * silence. Q.24 asks receivers to take 40 ms tones and 40 ms pauses, so this is comfortably
     * inside the rules, as a desk phone's keypad would be.
     */
    public static Path dtmfPcmuWav(Path file, String keys) throws IOException {
        int rate = 8000;
        int tone = rate * 120 / 1000;
        int gap = rate * 120 / 1000;
        int total = rate + keys.length() * (tone + gap) + rate;
        java.nio.ByteBuffer pcm = java.nio.ByteBuffer.allocate(total * 2).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rate; i++) pcm.putShort((short) 0);
        double amplitude = 32767 * Math.pow(10, -10 / 20.0);
        for (char k : keys.toCharArray()) {
            int index = DTMF_KEYS.indexOf(Character.toUpperCase(k));
            if (index < 0) throw new IllegalArgumentException("not a DTMF key: " + k);
            double low = DTMF_LOW[index / 4];
            double high = DTMF_HIGH[index % 4];
            for (int i = 0; i < tone; i++) {
                double t = (double) i / rate;
                pcm.putShort((short) Math.round(amplitude * (Math.sin(2 * Math.PI * low * t)
                        + Math.sin(2 * Math.PI * high * t))));
            }
            for (int i = 0; i < gap; i++) pcm.putShort((short) 0);
        }
        while (pcm.hasRemaining()) pcm.putShort((short) 0);
        Path raw = file.resolveSibling(file.getFileName() + ".raw");
        java.nio.file.Files.write(raw, pcm.array());
        run(List.of(RequiredTool.SOX.require().toString(), "-t", "raw", "-r", "8000", "-e", "signed", "-b", "16",
                "-c", "1", raw.toString(), "-r", "8000", "-c", "1", "-e", "u-law", "-b", "8", file.toString()), file);
        return file;
    }

    private static Path sine(Path file, int hz, int seconds, String... format) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(RequiredTool.SOX.require().toString(), "-n"));
        cmd.addAll(List.of(format));
        cmd.addAll(List.of(file.toString(), "synth", Integer.toString(seconds), "sine", Integer.toString(hz),
                "vol", "0.5"));
        return run(cmd, file);
    }

    private static Path run(List<String> cmd, Path file) throws IOException {
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

package org.passerelle.transcoder.dtmf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.passerelle.transcoder.audio.Resampler;
import org.passerelle.transcoder.codec.G711;
import org.passerelle.transcoder.prompt.Prompt;
import org.passerelle.transcoder.prompt.PromptLibrary;

class DtmfToneDetectorTest {
    private static final String ALL_KEYS = "0123456789*#ABCD";

    private final List<Character> keys = new ArrayList<>();
    private final List<Integer> durations = new ArrayList<>();

    private DtmfToneDetector detector(int rate) {
        return new DtmfToneDetector(rate, (key, ms) -> {
            keys.add(key);
            durations.add(ms);
        });
    }

    /** Feeds the signal in frames of {@code frame} samples, then 100 ms of silence. */
    private String run(int rate, short[] pcm, int frame) {
        DtmfToneDetector d = detector(rate);
        for (int off = 0; off < pcm.length; off += frame) d.process(pcm, off, Math.min(frame, pcm.length - off));
        short[] quiet = new short[rate / 10];
        d.process(quiet, 0, quiet.length);
        StringBuilder sb = new StringBuilder();
        keys.forEach(sb::append);
        return sb.toString();
    }

    private static DtmfSignal allKeys(int rate, double levelDbfs, double toneMs, double pauseMs) {
        DtmfSignal s = new DtmfSignal(rate).pause(pauseMs);
        for (char k : ALL_KEYS.toCharArray()) s.key(k, toneMs, levelDbfs).pause(pauseMs);
        return s;
    }

    @ParameterizedTest(name = "{0} Hz at {1} dBFS")
    @CsvSource({"8000,-5", "8000,-10", "8000,-15", "8000,-20", "8000,-25",
            "16000,-5", "16000,-25", "48000,-5", "48000,-15", "48000,-25"})
    void everyKeyAtSeveralLevels(int rate, double level) {
        assertEquals(ALL_KEYS, run(rate, allKeys(rate, level, 60, 60).pcm(), rate / 50));
        for (int ms : durations) assertTrue(Math.abs(ms - 60) <= 6, "measured " + ms + " ms for 60 ms tones");
    }

    @ParameterizedTest(name = "{0} dBFS with noise 20 dB below")
    @ValueSource(doubles = {-5, -15, -25})
    void everyKeyWithNoise(double level) {
        short[] pcm = allKeys(8000, level, 60, 60).noise(level - 20, 7).pcm();
        assertEquals(ALL_KEYS, run(8000, pcm, 160));
    }

    @Test
    void durationIsMeasured() {
        run(8000, new DtmfSignal(8000).pause(30).key('7', 100, -10).pause(50).key('#', 250, -10).pcm(), 160);
        assertEquals(List.of('7', '#'), keys);
        assertTrue(Math.abs(durations.get(0) - 100) <= 6, "7 lasted " + durations.get(0));
        assertTrue(Math.abs(durations.get(1) - 250) <= 6, "# lasted " + durations.get(1));
    }

    /** Q.24: 40 ms tones separated by 40 ms pauses are two key presses, whatever the alignment. */
    @ParameterizedTest(name = "offset {0} samples")
    @ValueSource(ints = {0, 7, 13, 20, 27, 39})
    void sameKeyTwiceWithFortyMsGap(int offset) {
        short[] pcm = new DtmfSignal(8000).pause(offset / 8.0).key('5', 40, -15).pause(40).key('5', 40, -15).pcm();
        assertEquals("55", run(8000, pcm, 160));
        for (int ms : durations) assertTrue(Math.abs(ms - 40) <= 6, "measured " + ms + " ms for 40 ms tones");
    }

    @ParameterizedTest(name = "offset {0} samples")
    @ValueSource(ints = {0, 5, 10, 15, 20, 25, 30, 35})
    void twentyMsBurstIsIgnored(int offset) {
        short[] pcm = new DtmfSignal(8000).pause(offset / 8.0).key('3', 20, -10).pause(50).pcm();
        assertEquals("", run(8000, pcm, 160));
    }

    @Test
    void shortDropoutDoesNotSplitAKey() {
        short[] pcm = new DtmfSignal(8000).pause(20).key('9', 120, -15).cut(70, 10).pause(50).pcm();
        assertEquals("9", run(8000, pcm, 160));
    }

    @Test
    void differentKeyWithoutPause() {
        short[] pcm = new DtmfSignal(8000).key('1', 60, -15).key('2', 60, -15).pause(50).pcm();
        assertEquals("12", run(8000, pcm, 160));
    }

    @ParameterizedTest(name = "frames of {0} samples")
    @ValueSource(ints = {1, 7, 80, 160, 333, 960})
    void anyFrameSize(int frame) {
        assertEquals(ALL_KEYS, run(8000, allKeys(8000, -12, 45, 45).pcm(), frame));
    }

    @Test
    void offFrequencyWithinToleranceIsDetected() {
        // Q.24: frequencies within 1.5 % of nominal are to be recognised.
        double[] hz = {DtmfSignal.lowOf('8') * 1.015, DtmfSignal.highOf('8') * 0.985};
        double a = DtmfSignal.amplitude(-10) / 2;
        short[] pcm = new DtmfSignal(8000).tones(80, hz, new double[] {a, a}).pause(50).pcm();
        assertEquals("8", run(8000, pcm, 160));
    }

    @ParameterizedTest(name = "twist {0} dB")
    @CsvSource({"7,6", "-3,6", "10,", "-6,"})
    void twistLimits(double twistDb, String expected) {
        String want = expected == null ? "" : expected;
        short[] pcm = new DtmfSignal(8000).key('6', 80, -12, twistDb).pause(50).pcm();
        assertEquals(want, run(8000, pcm, 160));
    }

    @Test
    void tooQuietIsIgnored() {
        assertEquals("", run(8000, allKeys(8000, -52, 60, 60).pcm(), 160));
    }

    @Test
    void chordsAreNotDigits() {
        DtmfSignal s = new DtmfSignal(8000)
                .chord(300, -6, 697, 1209, 1336)          // two DTMF columns at once
                .chord(300, -6, 697, 1209, 440)           // a key plus a third note
                .chord(300, -6, 770, 1336, 1633, 941)     // four DTMF frequencies
                .chord(300, -6, 261.6, 329.6, 392.0)      // C major
                .chord(300, -6, 440, 554.4, 659.3, 880);  // A major with octave
        assertEquals("", run(8000, s.pcm(), 160));
    }

    @Test
    void sweepsAreNotDigits() {
        DtmfSignal s = new DtmfSignal(8000)
                .sweep(3000, 300, 3400, -6)
                .sweep(3000, 1700, 600, -6);
        assertEquals("", run(8000, s.pcm(), 160));
    }

    @Test
    void whiteNoiseIsNotADigit() {
        assertEquals("", run(8000, new DtmfSignal(8000).noiseOnly(5000, -10, 3).pcm(), 160));
    }

    @Test
    void voiceLikeSignalIsNotADigit() {
        // Ten harmonics of a gliding pitch, amplitude-modulated: a vowel's spectrum.
        int rate = 8000;
        short[] pcm = new short[rate * 5];
        double phase = 0;
        for (int i = 0; i < pcm.length; i++) {
            double t = (double) i / rate;
            phase += 2 * Math.PI * (150 + 60 * Math.sin(2 * Math.PI * 0.9 * t)) / rate;
            double v = 0;
            for (int h = 1; h <= 10; h++) v += Math.sin(h * phase) / h;
            pcm[i] = (short) (7000 * v * (0.6 + 0.4 * Math.sin(2 * Math.PI * 4 * t)));
        }
        assertEquals("", run(rate, pcm, 160));
    }

    /**
     * DTMF from an independent generator: SoX synthesises every key (80 ms, 80 ms pauses) into a
     * WAV file, 8 kHz mono and 48 kHz stereo; PromptLibrary reads it to 48 kHz, the detector runs
     * on that and, after G.711 µ-law at 8 kHz, on what a phone would send.
     */
    @ParameterizedTest(name = "sox at {0} Hz, {1} channel(s)")
    @CsvSource({"8000,1", "48000,2"})
    void dtmfFromSoxIsDetected(int rate, int channels, @TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(new File("/usr/bin/sox").canExecute(), "sox not installed (apt-get install -y sox)");
        List<String> cmd = new ArrayList<>(List.of("sox"));
        for (char k : ALL_KEYS.toCharArray()) {
            String part = tmp.resolve("k" + (int) k + ".wav").toString();
            // One channel per tone, summed with remix (synth's own "mix" leaves the second tone
            // 6.6 dB weaker: reverse twist beyond Q.24's limit, rightly ignored by the detector).
            List<String> synth = new ArrayList<>(List.of("sox", "-n", "-r", "" + rate, "-b", "16", part,
                    "synth", "0.08", "sine", "" + DtmfSignal.lowOf(k), "sine", "" + DtmfSignal.highOf(k), "remix"));
            for (int c = 0; c < channels; c++) synth.add("1,2");
            synth.addAll(List.of("pad", "0", "0.08", "vol", "0.4"));
            assertEquals(0, new ProcessBuilder(synth).inheritIO().start().waitFor(), String.join(" ", synth));
            cmd.add(part);
        }
        Files.createDirectories(tmp.resolve("prompts/en"));
        cmd.add(tmp.resolve("prompts/en/keys.wav").toString());
        assertEquals(0, new ProcessBuilder(cmd).inheritIO().start().waitFor(), String.join(" ", cmd));

        PromptLibrary lib = new PromptLibrary(new URLClassLoader(new URL[] {tmp.toUri().toURL()}, null), null);
        short[] wide = lib.get("en", "keys").samples();
        assertEquals(ALL_KEYS, run(48000, wide, 960));
        for (int ms : durations) assertTrue(Math.abs(ms - 80) <= 6, "measured " + ms + " ms for 80 ms tones");
        keys.clear();
        Resampler down = Resampler.create(48000, 8000);
        short[] narrow = new short[down.maxOutputLength(wide.length)];
        int n = down.process(wide, 0, wide.length, narrow, 0);
        for (int i = 0; i < n; i++) narrow[i] = G711.ulawToLinear(G711.linearToUlaw(narrow[i]));
        assertEquals(ALL_KEYS, run(8000, java.util.Arrays.copyOf(narrow, n), 160));
    }

    /** Real speech: the shipped IVR prompts (espeak-ng voices), at 48 kHz and through 8 kHz. */
    @Test
    void spokenPromptsAreNotDigits() throws Exception {
        Path shipped = Path.of("../gateway/src/main/resources");
        PromptLibrary lib = new PromptLibrary(new URLClassLoader(new URL[] {shipped.toUri().toURL()}, null), null);
        for (Prompt p : lib.loadAll(PromptLibrary.LANGUAGES, PromptLibrary.NAMES)) {
            short[] wide = p.samples();
            assertEquals("", run(48000, wide, 960), p + " at 48 kHz");
            Resampler down = Resampler.create(48000, 8000);
            short[] narrow = new short[down.maxOutputLength(wide.length)];
            int n = down.process(wide, 0, wide.length, narrow, 0);
            assertEquals("", run(8000, java.util.Arrays.copyOf(narrow, n), 160), p + " at 8 kHz");
        }
    }

    @ParameterizedTest(name = "{0} at {1} dBFS")
    @CsvSource({"ulaw,-5", "ulaw,-25", "alaw,-5", "alaw,-25"})
    void detectedThroughG711(String law, double level) {
        short[] pcm = allKeys(8000, level, 50, 50).pcm();
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = law.equals("ulaw")
                    ? G711.ulawToLinear(G711.linearToUlaw(pcm[i]))
                    : G711.alawToLinear(G711.linearToAlaw(pcm[i]));
        }
        assertEquals(ALL_KEYS, run(8000, pcm, 160));
    }

    @Test
    void flushReportsAPendingKey() {
        DtmfToneDetector d = detector(8000);
        short[] pcm = new DtmfSignal(8000).key('D', 80, -10).pcm();
        d.process(pcm, 0, pcm.length);
        assertEquals(List.of(), keys);
        d.flush();
        assertEquals(List.of('D'), keys);
        assertEquals(1, d.digits());
    }

    @Test
    void steadyStateAllocatesNothing() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        short[] pcm = allKeys(8000, -12, 60, 60).noise(-40, 1).pcm();
        int[] count = new int[1];
        DtmfToneDetector d = new DtmfToneDetector(8000, (k, ms) -> count[0]++);
        int frame = 160;
        int frames = pcm.length / frame;
        for (int i = 0; i < 3000; i++) d.process(pcm, (i % frames) * frame, frame); // warm-up
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 20000; i++) d.process(pcm, (i % frames) * frame, frame);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(count[0] > 100, "digits were detected meanwhile: " + count[0]);
        assertTrue(allocated < 2048, "allocated " + allocated + " bytes over 20000 frames");
    }
}

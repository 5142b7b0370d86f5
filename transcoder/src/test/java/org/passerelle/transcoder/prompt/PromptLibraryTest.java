package org.passerelle.transcoder.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.sound.sampled.AudioFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.passerelle.transcoder.audio.ToneAnalyzer;

class PromptLibraryTest {
    /** The prompts the gateway ships, seen from this module's directory (Maven runs tests there). */
    private static final Path SHIPPED = Path.of("../gateway/src/main/resources");

    @TempDir
    Path tmp;

    private static ClassLoader classpath(Path root) throws IOException {
        return new URLClassLoader(new URL[] {root.toUri().toURL()}, null);
    }

    @Test
    void shippedPromptsLoadInBothLanguages() throws IOException {
        assertTrue(Files.isDirectory(SHIPPED.resolve("prompts")), "shipped prompts at " + SHIPPED.toAbsolutePath());
        PromptLibrary lib = new PromptLibrary(classpath(SHIPPED), null);
        List<Prompt> all = lib.loadAll(PromptLibrary.LANGUAGES, PromptLibrary.NAMES);
        assertEquals(PromptLibrary.LANGUAGES.size() * PromptLibrary.NAMES.size(), all.size());
        for (Prompt p : all) {
            assertTrue(p.durationMillis() > 1000 && p.durationMillis() < 8000, p + ": implausible length");
            double rmsDb = ToneAnalyzer.toDb(ToneAnalyzer.meanPower(p.samples(), 0, p.length()), 32767.0 * 32767.0);
            assertTrue(rmsDb > -30 && rmsDb < -6, p + ": level " + rmsDb + " dBFS");
            assertTrue(p.source().startsWith("classpath:prompts/" + p.language() + "/"), p.source());
        }
        // French and English differ, and the French set is not the English one copied.
        assertTrue(lib.get("fr", "welcome").length() != lib.get("en", "welcome").length());
    }

    @ParameterizedTest(name = "{0} Hz, {1} channel(s)")
    @CsvSource({"8000,1", "16000,1", "48000,1", "8000,2", "16000,2", "48000,2"})
    void convertsToFortyEightKilohertzMono(int rate, int channels) throws IOException {
        int n = rate; // one second
        short[] left = Wav.sine(1000, rate, n, 8000);
        short[] pcm = channels == 1 ? left : Wav.interleave(left, Wav.sine(1500, rate, n, 8000));
        Wav.write(tmp.resolve("prompts/en/welcome.wav"), rate, channels, pcm);
        Prompt p = new PromptLibrary(classpath(tmp), null).get("en", "welcome");

        assertEquals(48000, p.length(), "one second at 48 kHz");
        assertEquals("welcome", p.name());
        assertEquals("en", p.language());
        short[] s = p.samples();
        // The sine is where it was in time: compare the middle with the ideal 48 kHz tone.
        double gain = channels == 1 ? 1 : 0.5; // stereo is mixed down
        double err = 0;
        double sig = 0;
        for (int i = 4800; i < 43200; i++) {
            double ideal = gain * 8000 * Math.sin(2 * Math.PI * 1000 * i / 48000.0);
            sig += ideal * ideal;
            err += (s[i] - ideal) * (s[i] - ideal);
        }
        if (channels == 1) {
            assertTrue(10 * Math.log10(sig / err) > 40, "SNR " + 10 * Math.log10(sig / err) + " dB (delay removed?)");
        } else {
            double p1000 = ToneAnalyzer.power(s, 4800, 38400, 1000, 48000);
            double p1500 = ToneAnalyzer.power(s, 4800, 38400, 1500, 48000);
            assertEquals(4000 * 4000 / 2.0, p1000, 4000 * 4000 / 2.0 * 0.05, "left at half amplitude");
            assertEquals(4000 * 4000 / 2.0, p1500, 4000 * 4000 / 2.0 * 0.05, "right at half amplitude");
        }
    }

    @Test
    void missingPromptNamesWhatWasLookedFor() throws IOException {
        Path admin = Files.createDirectories(tmp.resolve("admin"));
        PromptLibrary lib = new PromptLibrary(classpath(tmp), admin);
        PromptException e = assertThrows(PromptException.class, () -> lib.get("de", "welcome"));
        assertTrue(e.getMessage().contains("no prompt 'welcome' in language 'de'"), e.getMessage());
        assertTrue(e.getMessage().contains(admin.resolve("de/welcome.wav").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("classpath prompts/de/welcome.wav"), e.getMessage());
    }

    @Test
    void loadAllReportsEveryProblemAtOnce() throws IOException {
        Wav.write(tmp.resolve("prompts/fr/welcome.wav"), 16000, 1, new short[1600]);
        Files.writeString(tmp.resolve("prompts/fr/goodbye.wav"), "not audio at all", StandardCharsets.UTF_8);
        PromptLibrary lib = new PromptLibrary(classpath(tmp), null);
        PromptException e = assertThrows(PromptException.class,
                () -> lib.loadAll(List.of("fr"), List.of("welcome", "goodbye", "locked")));
        assertTrue(e.getMessage().startsWith("2 prompt problems"), e.getMessage());
        assertTrue(e.getMessage().contains("classpath:prompts/fr/goodbye.wav: not a WAV file"), e.getMessage());
        assertTrue(e.getMessage().contains("no prompt 'locked'"), e.getMessage());
    }

    @Test
    void overrideDirectoryWins() throws IOException {
        Wav.write(tmp.resolve("cp/prompts/en/welcome.wav"), 16000, 1, Wav.sine(1000, 16000, 16000, 8000));
        Wav.write(tmp.resolve("cp/prompts/en/goodbye.wav"), 16000, 1, Wav.sine(1000, 16000, 8000, 8000));
        Path admin = tmp.resolve("admin");
        Path own = Wav.write(admin.resolve("en/welcome.wav"), 8000, 1, Wav.sine(500, 8000, 16000, 8000));
        PromptLibrary lib = new PromptLibrary(classpath(tmp.resolve("cp")), admin);

        Prompt welcome = lib.get("en", "welcome");
        assertEquals(own.toString(), welcome.source());
        assertEquals(96000, welcome.length(), "the admin's two seconds, not the shipped one");
        assertEquals(0, ToneAnalyzer.dominantAmong(welcome.samples(), 0, 48000, 48000, 500, 1000));
        Prompt goodbye = lib.get("en", "goodbye");
        assertEquals("classpath:prompts/en/goodbye.wav", goodbye.source(), "not overridden: shipped");
        assertSame(welcome, lib.get("en", "welcome"), "loaded once");
    }

    @Test
    void otherFormatsAreRefusedNamingTheFile() throws IOException {
        Path admin = tmp.resolve("admin");
        Wav.write(admin.resolve("en/welcome.wav"), 22050, 1, new short[2205]);
        Wav.write(admin.resolve("en/goodbye.wav"), new AudioFormat(8000, 8, 1, false, false), new byte[800]);
        Files.write(admin.resolve("en/locked.wav"), new byte[] {'R', 'I', 'F', 'F', 1, 2, 3});
        PromptLibrary lib = new PromptLibrary(classpath(tmp), admin);

        PromptException rate = assertThrows(PromptException.class, () -> lib.get("en", "welcome"));
        assertTrue(rate.getMessage().startsWith(admin.resolve("en/welcome.wav") + ": "), rate.getMessage());
        assertTrue(rate.getMessage().contains("22050 Hz"), rate.getMessage());
        assertTrue(rate.getMessage().contains("need 16-bit signed PCM"), rate.getMessage());
        PromptException bits = assertThrows(PromptException.class, () -> lib.get("en", "goodbye"));
        assertTrue(bits.getMessage().contains("8-bit"), bits.getMessage());
        PromptException broken = assertThrows(PromptException.class, () -> lib.get("en", "locked"));
        assertTrue(broken.getMessage().startsWith(admin.resolve("en/locked.wav") + ": not a WAV file"),
                broken.getMessage());
    }

    @Test
    void namesCannotEscapeTheDirectory() throws IOException {
        PromptLibrary lib = new PromptLibrary(classpath(tmp), tmp);
        assertThrows(PromptException.class, () -> lib.get("../etc", "welcome"));
        assertThrows(PromptException.class, () -> lib.get("en", "../../passwd"));
        assertThrows(PromptException.class, () -> lib.get("en", "Welcome.wav"));
    }

    @Test
    void overrideDirectoryMustExist() {
        PromptException e = assertThrows(PromptException.class,
                () -> new PromptLibrary(classpath(tmp), tmp.resolve("nope")));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    @Test
    void hasTellsWithoutLoading() throws IOException {
        Wav.write(tmp.resolve("prompts/fr/closed.wav"), 8000, 1, new short[80]);
        PromptLibrary lib = new PromptLibrary(classpath(tmp), null);
        assertTrue(lib.has("fr", "closed"));
        assertTrue(!lib.has("en", "closed"));
    }
}

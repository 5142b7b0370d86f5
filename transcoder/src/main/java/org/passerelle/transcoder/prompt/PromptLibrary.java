package org.passerelle.transcoder.prompt;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import org.passerelle.transcoder.audio.Resampler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IVR's recorded messages, by language and name. The product ships
 * {@code prompts/<lang>/<name>.wav} on the classpath; an admin directory laid out the same way
 * ({@code <dir>/<lang>/<name>.wav}) overrides any of them, file by file.
 *
 * <p>Any 16-bit PCM WAV (signed, either byte order), mono or stereo (mixed down), at 8, 16 or
 * 48 kHz is converted to a 48 kHz mono {@link Prompt} with the module's {@link Resampler}, its
 * filter delay removed so the prompt starts on time. Anything else is refused with a
 * {@link PromptException} naming the file and saying what is wrong.
 *
 * <p>Prompts are loaded on first use and kept; {@link #loadAll} loads a whole set up front and
 * reports every problem at once. Thread-safe. To pick up changed files, make a new library.
 */
public final class PromptLibrary {
    /** The prompts the PIN IVR uses; both shipped languages have all of them. */
    public static final List<String> NAMES = List.of(
            "welcome", "wrong-pin", "goodbye", "locked", "joining", "waiting", "closed", "unavailable");
    /** Languages shipped with the product, French first. */
    public static final List<String> LANGUAGES = List.of("fr", "en");
    /** Classpath folder of the shipped prompts. */
    public static final String CLASSPATH_ROOT = "prompts";
    /** Longer files are refused: a prompt is held in memory (48 kHz, 96 KB per second). */
    public static final int MAX_SECONDS = 120;

    private static final Logger LOG = LoggerFactory.getLogger(PromptLibrary.class);
    // Names and languages become path segments: no dots, no separators.
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern LANGUAGE = Pattern.compile("[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*");

    private final ClassLoader classLoader;
    private final Path overrideDir;
    private final Map<String, Prompt> loaded = new ConcurrentHashMap<>();

    /** Shipped prompts only. */
    public PromptLibrary() {
        this(PromptLibrary.class.getClassLoader(), null);
    }

    /** Shipped prompts, overridden by files in {@code overrideDir} when not null. */
    public PromptLibrary(Path overrideDir) {
        this(PromptLibrary.class.getClassLoader(), overrideDir);
    }

    /**
     * @param classLoader where {@code prompts/<lang>/<name>.wav} resources are looked up
     * @param overrideDir the admin's prompt directory, or null
     * @throws PromptException when {@code overrideDir} is given but is not a directory
     */
    public PromptLibrary(ClassLoader classLoader, Path overrideDir) {
        this.classLoader = classLoader;
        this.overrideDir = overrideDir;
        if (overrideDir != null && !Files.isDirectory(overrideDir)) {
            throw new PromptException("prompt directory " + overrideDir + " does not exist or is not a directory");
        }
    }

    /** The admin's prompt directory, or null. */
    public Path overrideDir() { return overrideDir; }

    /**
     * The prompt {@code name} in {@code language}: the admin's file when there is one, else the
     * shipped one.
     *
     * @throws PromptException when neither exists, or the file is unreadable or of another format
     */
    public Prompt get(String language, String name) {
        check(language, name);
        Prompt p = loaded.get(key(language, name));
        if (p != null) return p;
        p = load(language, name);
        Prompt raced = loaded.putIfAbsent(key(language, name), p);
        return raced != null ? raced : p;
    }

    /** Whether {@code name} exists in {@code language} (without reading it). */
    public boolean has(String language, String name) {
        check(language, name);
        return overrideFile(language, name) != null || classLoader.getResource(resource(language, name)) != null;
    }

    /**
     * Loads every name in every language, e.g. at startup or before a config reload is accepted.
     *
     * @throws PromptException listing every missing or unusable prompt, one per line
     */
    public List<Prompt> loadAll(Collection<String> languages, Collection<String> names) {
        List<Prompt> prompts = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String language : languages) {
            for (String name : names) {
                try {
                    prompts.add(get(language, name));
                } catch (PromptException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new PromptException(problems.size() + " prompt problem" + (problems.size() > 1 ? "s" : "")
                    + ":\n  " + String.join("\n  ", problems));
        }
        return prompts;
    }

    private Prompt load(String language, String name) {
        Path file = overrideFile(language, name);
        if (file != null) {
            try (InputStream in = Files.newInputStream(file)) {
                Prompt p = decode(name, language, file.toString(), in);
                LOG.info("prompt {}/{} from {} ({} ms)", language, name, file, p.durationMillis());
                return p;
            } catch (IOException e) {
                throw new PromptException(file + ": cannot read: " + e.getMessage(), e);
            }
        }
        String resource = resource(language, name);
        try (InputStream in = classLoader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new PromptException("no prompt '" + name + "' in language '" + language + "': "
                        + (overrideDir != null ? "neither " + overrideDir.resolve(language).resolve(name + ".wav")
                        + " nor " : "no ") + "classpath " + resource);
            }
            Prompt p = decode(name, language, "classpath:" + resource, in);
            LOG.debug("prompt {}/{} from classpath {} ({} ms)", language, name, resource, p.durationMillis());
            return p;
        } catch (IOException e) {
            throw new PromptException("classpath " + resource + ": cannot read: " + e.getMessage(), e);
        }
    }

    private Path overrideFile(String language, String name) {
        if (overrideDir == null) return null;
        Path f = overrideDir.resolve(language).resolve(name + ".wav");
        return Files.isRegularFile(f) ? f : null;
    }

    /**
     * Reads a WAV stream into a 48 kHz mono prompt.
     *
     * @param source names the file in error messages
     */
    static Prompt decode(String name, String language, String source, InputStream in) throws IOException {
        AudioInputStream audio;
        try {
            // AudioSystem probes the header with mark/reset.
            audio = AudioSystem.getAudioInputStream(new BufferedInputStream(in));
        } catch (UnsupportedAudioFileException e) {
            throw new PromptException(source + ": not a WAV file that can be read (" + e.getMessage() + ")", e);
        }
        try (audio) {
            AudioFormat f = audio.getFormat();
            int rate = Math.round(f.getSampleRate());
            boolean pcm16 = f.getEncoding() == AudioFormat.Encoding.PCM_SIGNED && f.getSampleSizeInBits() == 16;
            int channels = f.getChannels();
            if (!pcm16 || (channels != 1 && channels != 2) || (rate != 8000 && rate != 16000 && rate != 48000)) {
                throw new PromptException(source + ": " + describe(f)
                        + "; need 16-bit signed PCM, mono or stereo, at 8000, 16000 or 48000 Hz");
            }
            long frames = audio.getFrameLength();
            if (frames > (long) MAX_SECONDS * rate) {
                throw new PromptException(source + ": longer than " + MAX_SECONDS + " s");
            }
            byte[] bytes = audio.readNBytes((MAX_SECONDS * rate + 1) * 2 * channels);
            int n = bytes.length / (2 * channels);
            if (n > MAX_SECONDS * rate) throw new PromptException(source + ": longer than " + MAX_SECONDS + " s");
            if (n == 0) throw new PromptException(source + ": no audio in the file");
            short[] mono = toMono(bytes, n, channels, f.isBigEndian());
            return new Prompt(name, language, source, to48k(mono, rate));
        }
    }

    private static String describe(AudioFormat f) {
        return f.getEncoding() + " " + f.getSampleSizeInBits() + "-bit, " + f.getChannels() + " channel"
                + (f.getChannels() == 1 ? "" : "s") + ", " + Math.round(f.getSampleRate()) + " Hz";
    }

    private static short[] toMono(byte[] b, int frames, int channels, boolean bigEndian) {
        short[] out = new short[frames];
        for (int i = 0; i < frames; i++) {
            int sum = 0;
            for (int c = 0; c < channels; c++) {
                int at = (i * channels + c) * 2;
                sum += bigEndian ? (short) ((b[at] << 8) | (b[at + 1] & 0xff))
                        : (short) ((b[at + 1] << 8) | (b[at] & 0xff));
            }
            out[i] = (short) (sum / channels);
        }
        return out;
    }

    /** Resamples to 48 kHz, dropping the filter's delay so output sample k is input time k/48000. */
    private static short[] to48k(short[] in, int rate) {
        Resampler r = Resampler.create(rate, Prompt.SAMPLE_RATE);
        if (r.isIdentity()) return in;
        int ratio = Prompt.SAMPLE_RATE / rate;
        int delay = r.delaySamples();
        int pad = (delay + ratio - 1) / ratio; // input zeros that push the tail out of the filter
        short[] out = new short[r.maxOutputLength(in.length + pad)];
        int w = r.process(in, 0, in.length, out, 0);
        w += r.process(new short[pad], 0, pad, out, w);
        int length = in.length * ratio;
        return java.util.Arrays.copyOfRange(out, delay, delay + length);
    }

    private static void check(String language, String name) {
        if (language == null || !LANGUAGE.matcher(language).matches()) {
            throw new PromptException("invalid prompt language '" + language + "' (expected e.g. fr, en, fr-CA)");
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw new PromptException("invalid prompt name '" + name + "' (lower-case letters, digits, - and _)");
        }
    }

    private static String key(String language, String name) { return language + "/" + name; }

    private static String resource(String language, String name) {
        return CLASSPATH_ROOT + "/" + language + "/" + name + ".wav";
    }
}

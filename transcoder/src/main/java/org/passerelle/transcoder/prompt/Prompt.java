package org.passerelle.transcoder.prompt;

import java.util.Objects;

/**
 * One recorded message, ready to play into the 48 kHz media path: mono 16-bit PCM at
 * {@value #SAMPLE_RATE} Hz, its name (e.g. {@code welcome}), language (e.g. {@code fr}) and where
 * it was loaded from. Immutable: the samples are copied in and never handed out.
 */
public final class Prompt {
    public static final int SAMPLE_RATE = 48_000;

    private final String name;
    private final String language;
    private final String source;
    private final short[] samples;

    public Prompt(String name, String language, String source, short[] samples) {
        this.name = Objects.requireNonNull(name, "name");
        this.language = Objects.requireNonNull(language, "language");
        this.source = Objects.requireNonNull(source, "source");
        this.samples = samples.clone();
    }

    /** Silence of {@code millis} ms, to put pauses between prompts. */
    public static Prompt silence(int millis) {
        if (millis < 0) throw new IllegalArgumentException("negative duration " + millis);
        return new Prompt("silence", "", "silence", new short[(int) ((long) millis * SAMPLE_RATE / 1000)]);
    }

    public String name() { return name; }

    public String language() { return language; }

    /** Where the samples came from: a file path, a classpath resource, or "silence". */
    public String source() { return source; }

    /** Number of samples at 48 kHz. */
    public int length() { return samples.length; }

    public int durationMillis() { return (int) ((long) samples.length * 1000 / SAMPLE_RATE); }

    public short sample(int index) { return samples[index]; }

    /** Copies {@code len} samples from {@code from} into {@code dst[dstOff]}; allocates nothing. */
    public void copyTo(int from, short[] dst, int dstOff, int len) {
        System.arraycopy(samples, from, dst, dstOff, len);
    }

    /** A copy of all samples. */
    public short[] samples() { return samples.clone(); }

    @Override
    public String toString() {
        return language.isEmpty() ? name + " (" + durationMillis() + " ms)"
                : language + "/" + name + " (" + durationMillis() + " ms, " + source + ")";
    }
}

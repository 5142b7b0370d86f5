package org.passerelle.tests;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * A 16-bit PCM WAV recording, channels averaged to mono, samples scaled to [-1, 1).
 *
 * @param sampleRate samples per second
 * @param channels   channels in the file (the samples are already mixed down)
 * @param samples    mono samples
 */
public record WavFile(int sampleRate, int channels, double[] samples) {

    public static WavFile read(Path path) throws IOException {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(path.toFile())) {
            AudioFormat f = in.getFormat();
            if (f.getEncoding() != AudioFormat.Encoding.PCM_SIGNED || f.getSampleSizeInBits() != 16) {
                throw new IOException(path + ": expected 16-bit signed PCM, got " + f);
            }
            byte[] bytes = in.readAllBytes();
            int channels = f.getChannels();
            int frames = bytes.length / (2 * channels);
            ByteBuffer buf = ByteBuffer.wrap(bytes)
                    .order(f.isBigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            double[] mono = new double[frames];
            for (int i = 0; i < frames; i++) {
                double sum = 0;
                for (int c = 0; c < channels; c++) {
                    sum += buf.getShort() / 32768.0;
                }
                mono[i] = sum / channels;
            }
            return new WavFile((int) f.getSampleRate(), channels, mono);
        } catch (UnsupportedAudioFileException e) {
            throw new IOException(path + ": not a readable WAV file", e);
        }
    }

    public double durationSeconds() {
        return samples.length / (double) sampleRate;
    }

    /** The part after {@code skipSeconds} (e.g. to leave out call set-up), possibly empty. */
    public WavFile skip(double skipSeconds) {
        int from = (int) Math.min(samples.length, Math.round(skipSeconds * sampleRate));
        return new WavFile(sampleRate, channels, java.util.Arrays.copyOfRange(samples, from, samples.length));
    }

    /** The part from {@code fromSeconds} to {@code toSeconds} (clamped to the recording). */
    public WavFile window(double fromSeconds, double toSeconds) {
        int from = (int) Math.max(0, Math.min(samples.length, Math.round(fromSeconds * sampleRate)));
        int to = (int) Math.max(from, Math.min(samples.length, Math.round(toSeconds * sampleRate)));
        return new WavFile(sampleRate, channels, java.util.Arrays.copyOfRange(samples, from, to));
    }

    @Override
    public String toString() {
        return "WavFile[" + sampleRate + " Hz, " + channels + " ch, " + String.format("%.2f", durationSeconds()) + " s]";
    }
}

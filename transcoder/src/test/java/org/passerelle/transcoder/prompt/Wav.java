package org.passerelle.transcoder.prompt;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/** Writes test WAV files with javax.sound.sampled, and makes test tones. */
final class Wav {
    private Wav() {}

    /** 16-bit PCM WAV; {@code interleaved} holds {@code channels} samples per frame. */
    static Path write(Path file, int rate, int channels, short[] interleaved) throws IOException {
        byte[] b = new byte[interleaved.length * 2];
        for (int i = 0; i < interleaved.length; i++) {
            b[2 * i] = (byte) interleaved[i];
            b[2 * i + 1] = (byte) (interleaved[i] >> 8);
        }
        return write(file, new AudioFormat(rate, 16, channels, true, false), b);
    }

    static Path write(Path file, AudioFormat format, byte[] data) throws IOException {
        Files.createDirectories(file.getParent());
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(data), format,
                data.length / format.getFrameSize())) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, file.toFile());
        }
        return file;
    }

    static short[] sine(double hz, int rate, int samples, double amplitude) {
        short[] s = new short[samples];
        for (int i = 0; i < samples; i++) s[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * hz * i / rate));
        return s;
    }

    static short[] interleave(short[] left, short[] right) {
        short[] s = new short[left.length * 2];
        for (int i = 0; i < left.length; i++) {
            s[2 * i] = left[i];
            s[2 * i + 1] = right[i];
        }
        return s;
    }
}

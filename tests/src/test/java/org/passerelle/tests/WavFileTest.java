package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WavFileTest {

    @Test
    void readsStereoAsMonoAverage(@TempDir Path dir) throws Exception {
        int frames = 4800;
        ByteBuffer pcm = ByteBuffer.allocate(frames * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < frames; i++) {
            pcm.putShort((short) 16384).putShort((short) -8192);
        }
        AudioFormat format = new AudioFormat(48000, 16, 2, true, false);
        Path file = dir.resolve("x.wav");
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm.array()), format, frames)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, file.toFile());
        }
        WavFile wav = WavFile.read(file);
        assertEquals(48000, wav.sampleRate());
        assertEquals(2, wav.channels());
        assertEquals(frames, wav.samples().length);
        assertEquals((0.5 - 0.25) / 2, wav.samples()[100], 1e-9);
        assertEquals(0.1, wav.durationSeconds(), 1e-9);
        assertEquals(frames - 2400, wav.skip(0.05).samples().length);
        assertEquals(960, wav.window(0.01, 0.03).samples().length);
        assertEquals(480, wav.window(0.09, 5).samples().length);
        assertEquals(0, wav.window(-1, 0).samples().length);
        Files.delete(file);
    }
}

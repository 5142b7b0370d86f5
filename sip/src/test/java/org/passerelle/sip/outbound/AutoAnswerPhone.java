package org.passerelle.sip.outbound;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A baresip phone that answers every call at once (answermode=auto), sends a 440 Hz tone and
 * records what it hears (sndfile: {@code *-dec.wav}). Config written the way the tests module's
 * BaresipPhone does it (no sound card: aubridge player; ausine at 48 kHz stereo). Always close.
 */
final class AutoAnswerPhone implements AutoCloseable {
    static final String BARESIP = "/usr/bin/baresip";

    final Path dir;
    final int port;
    private final Process process;
    private final Thread pump;
    private final StringBuffer log = new StringBuffer();

    static boolean available() {
        return new File(BARESIP).canExecute();
    }

    AutoAnswerPhone(Path dir, String user) throws IOException {
        this.dir = dir;
        this.port = SippUas.freePort();
        Files.writeString(dir.resolve("config"), String.join("\n",
                "poll_method epoll",
                "sip_listen 127.0.0.1:" + port,
                "net_interface 127.0.0.1",
                "rtp_ports 30000-39999",
                "audio_player aubridge,null-" + user,
                "audio_alert aubridge,null-" + user,
                "audio_source ausine,440",
                "ausrc_srate 48000",
                "ausrc_channels 2",
                "module_path /usr/lib/baresip/modules",
                "module g711.so", "module ausine.so", "module aubridge.so", "module sndfile.so",
                "module_app account.so", "module_app menu.so",
                "snd_path .", ""));
        Files.writeString(dir.resolve("accounts"),
                "<sip:" + user + "@127.0.0.1:" + port + ">;regint=0;answermode=auto;audio_codecs=PCMU\n");
        process = new ProcessBuilder(List.of(BARESIP, "-f", dir.toString(), "-t", "60")).directory(dir.toFile())
                .redirectErrorStream(true).start();
        process.getOutputStream().close();
        pump = Thread.ofPlatform().daemon().start(() -> pump(process.getInputStream()));
    }

    private void pump(InputStream in) {
        try (in; OutputStream file = Files.newOutputStream(dir.resolve("baresip.log"))) {
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) > 0) {
                file.write(buf, 0, n);
                file.flush();
                log.append(new String(buf, 0, n, StandardCharsets.UTF_8).replace('\r', '\n'));
            }
        } catch (IOException e) {
            // process gone
        }
    }

    String log() {
        return log.toString();
    }

    /** Waits until the log contains {@code text}; false on timeout. */
    boolean awaitLog(String text, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            if (log.indexOf(text) >= 0) return true;
            Thread.sleep(20);
        }
        return false;
    }

    /** The decoded audio baresip recorded (sndfile), once it quit: mono 16-bit samples and rate. */
    Recording recording() throws IOException {
        Optional<Path> wav;
        try (Stream<Path> files = Files.list(dir)) {
            wav = files.filter(p -> p.getFileName().toString().endsWith("-dec.wav")).findFirst();
        }
        if (wav.isEmpty()) throw new IOException("no *-dec.wav in " + dir + "; log:\n" + log());
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(wav.get())).order(ByteOrder.LITTLE_ENDIAN);
        int channels = b.getShort(22);
        int rate = b.getInt(24);
        // Find the "data" chunk.
        int pos = 12;
        while (pos + 8 <= b.limit()) {
            int id = b.getInt(pos);
            int size = b.getInt(pos + 4);
            if (id == 0x61746164) { // "data"
                int end = Math.min(b.limit(), pos + 8 + Math.max(0, size));
                if (size <= 0) end = b.limit();
                int frames = (end - pos - 8) / (2 * channels);
                short[] mono = new short[frames];
                for (int i = 0; i < frames; i++) mono[i] = b.getShort(pos + 8 + i * 2 * channels);
                return new Recording(mono, rate);
            }
            pos += 8 + size;
        }
        throw new IOException("no data chunk in " + wav.get());
    }

    record Recording(short[] samples, int rate) {
        /** Rough frequency from zero crossings over samples whose level is above {@code floor}. */
        double frequency() {
            int crossings = 0;
            int counted = 0;
            for (int i = 1; i < samples.length; i++) {
                if (Math.abs(samples[i]) < 200 && Math.abs(samples[i - 1]) < 200) continue; // silence
                counted++;
                if ((samples[i - 1] < 0) != (samples[i] < 0)) crossings++;
            }
            return counted == 0 ? 0 : crossings / 2.0 / (counted / (double) rate);
        }

        double seconds() {
            return samples.length / (double) rate;
        }
    }

    @Override
    public void close() {
        try {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(3, TimeUnit.SECONDS);
            }
            pump.join(2000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

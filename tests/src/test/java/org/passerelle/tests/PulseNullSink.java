package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.passerelle.tests.bench.Processes;

/**
 * A private PulseAudio server with one null sink (48 kHz), so a headless Firefox has a sound card
 * that consumes audio in real time. Without one, Firefox's AudioContext never starts (no device),
 * and its test-only mock device ({@code media.cubeb.force_mock_context}) runs its media clock about
 * 6 % slow, so Firefox would send 47 packets a second instead of 50. Clients find it through
 * {@link #serverAddress()} ({@code PULSE_SERVER}). Always {@link #close()}.
 */
final class PulseNullSink implements AutoCloseable {
    private static final Duration READY = Duration.ofSeconds(10);

    private final Process process;
    private final Path socket;

    private PulseNullSink(Process process, Path socket) {
        this.process = process;
        this.socket = socket;
    }

    /**
     * Starts the server with its runtime files under {@code runtimeDir} (short: a Unix socket path
     * has at most 107 bytes) and its log in {@code logFile}.
     */
    static PulseNullSink start(Path runtimeDir, Path logFile) throws IOException {
        Path pulseaudio = RequiredTool.PULSEAUDIO.require();
        Path socket = runtimeDir.resolve("pulse.sock");
        Files.createDirectories(runtimeDir.resolve("run"));
        List<String> command = List.of(pulseaudio.toString(),
                // no default.pa (no hardware probing, no D-Bus), never exits on its own
                "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no", "--disallow-exit=yes",
                "--log-target=stderr", "--log-level=notice",
                "-L", "module-null-sink sink_name=null rate=48000",
                "-L", "module-native-protocol-unix auth-anonymous=1 socket=" + socket);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()));
        // its own home and runtime dir: nothing shared with a desktop session or another test
        pb.environment().put("HOME", runtimeDir.toString());
        pb.environment().put("XDG_RUNTIME_DIR", runtimeDir.resolve("run").toString());
        pb.environment().put("XDG_CONFIG_HOME", runtimeDir.resolve("config").toString());
        pb.environment().remove("DISPLAY");
        pb.environment().remove("DBUS_SESSION_BUS_ADDRESS");
        Process process = pb.start();
        PulseNullSink sink = new PulseNullSink(process, socket);
        if (!Await.within(() -> Files.exists(socket) || !process.isAlive(), READY) || !process.isAlive()) {
            sink.close();
            fail("pulseaudio did not open " + socket + " within " + READY.toSeconds() + " s (log " + logFile + "):\n"
                    + FirefoxBrowser.tail(logFile));
        }
        return sink;
    }

    /** The value for {@code PULSE_SERVER}. */
    String serverAddress() {
        return "unix:" + socket;
    }

    @Override
    public void close() {
        Processes.stop(process, Duration.ofSeconds(5));
    }
}

package org.passerelle.sip.outbound;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * SIPp as the far end of a test (registrar, phone or proxy) on 127.0.0.1, running one scenario of
 * src/test/resources/sipp for one call ({@code -m 1}); its exit code says whether the call went
 * through the whole scenario. Always {@link #close()}.
 */
final class SippUas implements AutoCloseable {
    static final String SIPP = "/usr/bin/sipp";

    private final Process process;
    private final Path dir;
    final int port;
    final int mediaPort;

    static boolean available() {
        return new File(SIPP).canExecute();
    }

    /** Starts {@code scenario}; {@code rtpEcho} makes SIPp send our RTP back (-rtp_echo). */
    SippUas(Path dir, String scenario, boolean rtpEcho) throws IOException {
        this.dir = dir;
        this.port = freePort();
        this.mediaPort = freePort() & ~1;
        Path file = dir.resolve(scenario);
        try (InputStream in = SippUas.class.getResourceAsStream("/sipp/" + scenario)) {
            if (in == null) throw new IOException("no scenario " + scenario);
            Files.copy(in, file);
        }
        List<String> cmd = new ArrayList<>(List.of(SIPP, "-sf", file.toString(), "-i", "127.0.0.1",
                "-p", Integer.toString(port), "-mi", "127.0.0.1", "-mp", Integer.toString(mediaPort),
                "-m", "1", "-timeout", "40s", "-timeout_error", "-nostdin", "-trace_msg",
                "-message_file", dir.resolve("messages.log").toString(), "-trace_err",
                "-error_file", dir.resolve("errors.log").toString()));
        if (rtpEcho) cmd.add("-rtp_echo");
        process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sipp.out").toFile()).start();
    }

    /** SIPp's address as a trunk proxy. */
    String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** Waits for SIPp to finish its one call; its exit code (0: the scenario completed). */
    int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) return -1;
        return process.exitValue();
    }

    /** What SIPp saw and said, for failure messages. */
    String transcript() {
        StringBuilder sb = new StringBuilder();
        for (String f : List.of("sipp.out", "errors.log", "messages.log")) {
            Path p = dir.resolve(f);
            try {
                if (Files.exists(p)) sb.append("---- ").append(f).append('\n').append(Files.readString(p)).append('\n');
            } catch (IOException e) {
                sb.append(e).append('\n');
            }
        }
        return sb.toString();
    }

    /** The SIP messages SIPp exchanged. */
    String messages() throws IOException {
        Path p = dir.resolve("messages.log");
        return Files.exists(p) ? Files.readString(p) : "";
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static int freePort() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket s = new ServerSocket(0); DatagramSocket d = new DatagramSocket(s.getLocalPort())) {
                return s.getLocalPort();
            } catch (IOException e) {
                // Taken over UDP; try another.
            }
        }
        throw new IOException("no free port");
    }
}

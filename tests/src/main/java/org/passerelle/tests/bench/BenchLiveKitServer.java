package org.passerelle.tests.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The load harness's own livekit-server: the binary tests/setup.sh builds (the same one the
 * end-to-end tests run), on 127.0.0.1 with free ports, loopback ICE candidates only, in-memory
 * (no Redis: the load does not use LiveKit's SIP API). Dev keys devkey / secret. Always
 * {@link #close()}.
 */
final class BenchLiveKitServer implements AutoCloseable {
    /** Same pin as tests/setup.sh and LiveKitServer.VERSION (test scope). */
    static final String VERSION = "v1.13.5";
    static final String API_KEY = "devkey";
    static final String API_SECRET = "secret";

    private final Process process;
    private final int httpPort;

    private BenchLiveKitServer(Path binary, Path dir, int httpPort, int udpPort, int tcpPort) throws IOException {
        this.httpPort = httpPort;
        Path config = dir.resolve("livekit.yaml");
        Files.writeString(config, String.join("\n",
                "port: " + httpPort,
                "bind_addresses: [127.0.0.1]",
                "rtc:",
                "  udp_port: " + udpPort,
                "  tcp_port: " + tcpPort,
                "  node_ip: 127.0.0.1",
                "  use_external_ip: false",
                "  enable_loopback_candidate: true",
                "  interfaces:",
                "    includes: [lo]",
                "keys:",
                "  " + API_KEY + ": " + API_SECRET,
                "logging:",
                "  level: warn",
                ""));
        List<String> cmd = List.of(binary.toString(), "--config", config.toString());
        Files.writeString(dir.resolve("livekit-command.txt"), String.join(" ", cmd) + "\n");
        process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("livekit.log").toFile()).start();
    }

    /** The built binary ($LIVEKIT_SERVER_BIN, else the tests/setup.sh cache), if it is there. */
    static Optional<Path> binary() {
        String override = System.getenv("LIVEKIT_SERVER_BIN");
        if (override != null && !override.isBlank()) return Optional.of(Path.of(override)).filter(Files::isExecutable);
        String explicit = System.getenv("PASSERELLE_CACHE");
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = explicit != null && !explicit.isBlank() ? Path.of(explicit)
                : (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache"))
                .resolve("passerelle");
        return Optional.of(cache.resolve("livekit-server-" + VERSION)).filter(Files::isExecutable);
    }

    /** Starts the server with its files in {@code dir} and waits until it answers. */
    static BenchLiveKitServer start(Path binary, Path dir, int httpPort, int udpPort, int tcpPort) throws Exception {
        BenchLiveKitServer s = new BenchLiveKitServer(binary, dir, httpPort, udpPort, tcpPort);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!s.process.isAlive()) {
                throw new IllegalStateException("livekit-server exited (" + s.process.exitValue() + "); see " + dir.resolve("livekit.log"));
            }
            try {
                if (http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return s;
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        s.close();
        throw new IllegalStateException("livekit-server not answering within 30 s; see " + dir.resolve("livekit.log"));
    }

    String url() {
        return "ws://127.0.0.1:" + httpPort;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(1, TimeUnit.SECONDS)) {
            process.destroy(); // a second SIGTERM: LiveKit stops without waiting for participants
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}

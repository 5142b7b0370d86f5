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

/**
 * The load harness's own livekit-server: the binary tests/setup.sh builds (the same one the
 * end-to-end tests run), on 127.0.0.1 with free ports, loopback ICE candidates only. In-memory
 * unless a Redis port is given: then it starts a private redis-server (LiveKit keeps SIP trunks
 * and dispatch rules only in Redis, and LiveKit SIP talks to the server over it: psrpc), needed
 * when the load also runs through LiveKit SIP. Dev keys devkey / secret. Always {@link #close()}.
 */
final class BenchLiveKitServer implements AutoCloseable {
    /** Same pin as tests/setup.sh and LiveKitServer.VERSION (test scope). */
    static final String VERSION = "v1.13.5";
    static final String API_KEY = "devkey";
    static final String API_SECRET = "secret";

    private final Process process;
    private final Process redis;
    private final int httpPort;
    private final int redisPort;

    private BenchLiveKitServer(Path binary, Path dir, int httpPort, int udpPort, int tcpPort, int redisPort) throws Exception {
        this.httpPort = httpPort;
        this.redisPort = redisPort;
        this.redis = redisPort > 0 ? startRedis(dir, redisPort) : null;
        Path config = dir.resolve("livekit.yaml");
        String redisLines = redisPort > 0 ? "redis:\n  address: 127.0.0.1:" + redisPort + "\n" : "";
        Files.writeString(config, redisLines + String.join("\n",
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

    private static Process startRedis(Path dir, int port) throws Exception {
        Path redisDir = Files.createDirectories(dir.resolve("redis"));
        List<String> cmd = List.of("redis-server", "--bind", "127.0.0.1", "--port", Integer.toString(port),
                "--dir", redisDir.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes");
        Process p = new ProcessBuilder(cmd).directory(redisDir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline && p.isAlive()) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return p;
            } catch (IOException e) {
                Thread.sleep(100); // not listening yet
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("redis-server did not start on 127.0.0.1:" + port + "; see " + dir.resolve("redis.log"));
    }

    /** The built binary ($LIVEKIT_SERVER_BIN, else the tests/setup.sh cache), if it is there. */
    static Optional<Path> binary() {
        String override = System.getenv("LIVEKIT_SERVER_BIN");
        if (override != null && !override.isBlank()) return Optional.of(Path.of(override)).filter(Files::isExecutable);
        return Optional.of(cacheDir().resolve("livekit-server-" + VERSION)).filter(Files::isExecutable);
    }

    /** Where tests/setup.sh builds binaries: $PASSERELLE_CACHE, else $XDG_CACHE_HOME or ~/.cache, /passerelle. */
    static Path cacheDir() {
        String explicit = System.getenv("PASSERELLE_CACHE");
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = explicit != null && !explicit.isBlank() ? Path.of(explicit)
                : (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache"))
                .resolve("passerelle");
        return cache;
    }

    /** Starts the server (in-memory) with its files in {@code dir} and waits until it answers. */
    static BenchLiveKitServer start(Path binary, Path dir, int httpPort, int udpPort, int tcpPort) throws Exception {
        return start(binary, dir, httpPort, udpPort, tcpPort, 0);
    }

    /** The same, with a private Redis on {@code redisPort} when it is above 0 (for LiveKit SIP). */
    static BenchLiveKitServer start(Path binary, Path dir, int httpPort, int udpPort, int tcpPort, int redisPort) throws Exception {
        BenchLiveKitServer s = new BenchLiveKitServer(binary, dir, httpPort, udpPort, tcpPort, redisPort);
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

    String httpUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** host:port of its Redis; only when started with one. */
    String redisAddress() {
        if (redis == null) throw new IllegalStateException("livekit-server started without Redis");
        return "127.0.0.1:" + redisPort;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        Processes.stopLiveKitServer(process);
        if (redis != null) Processes.stop(redis, Duration.ofSeconds(5));
    }
}

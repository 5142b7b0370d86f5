package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.fail;

import io.livekit.server.CreateSipDispatchRuleOptions;
import io.livekit.server.CreateSipInboundTrunkOptions;
import io.livekit.server.SipDispatchRule;
import io.livekit.server.SipDispatchRuleDirect;
import io.livekit.server.SipServiceClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import livekit.LivekitSip.SIPDispatchRuleInfo;
import livekit.LivekitSip.SIPInboundTrunkInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import retrofit2.Response;
import org.passerelle.tests.bench.Processes;

/**
 * LiveKit SIP ({@code github.com/livekit/sip}, built by {@code tests/setup.sh livekit_sip}) as a
 * peer on this machine: a second SIP ⇄ LiveKit gateway joining the rooms of a given
 * {@link LiveKitServer}, the one the benchmarks compare Passerelle with. It talks to the server
 * through the server's Redis (psrpc: the server evaluates trunks and dispatch rules for it) and
 * joins rooms over WebSocket like any participant.
 *
 * <p>SIP (UDP and TCP) listens on 127.0.0.1 at a free port; it advertises 127.0.0.1 in Contact and
 * SDP ({@code nat_1_to_1_ip}, so no STUN lookup and no LAN address). RTP uses a free even-port
 * range, but v1.8.0 binds its RTP sockets on 0.0.0.0 (not configurable). No health or metrics
 * port is opened (they would bind every interface): readiness is its "listening" log line.
 * Config and log stay under the given directory. Always {@link #close()}.
 */
public final class LiveKitSip implements AutoCloseable {
    /** The pinned version: the same as LIVEKIT_SIP_VERSION in tests/setup.sh (a test checks it). */
    public static final String VERSION = "v1.8.0";
    /** RTP ports reserved when none are asked for: one call uses one (even) port. */
    public static final int DEFAULT_RTP_PORTS = 100;
    /** Where SIPp and baresip call from, the only source address the trunks allow. */
    public static final String CALLER_ADDRESSES = "127.0.0.1/32";

    private static final Logger LOG = LoggerFactory.getLogger(LiveKitSip.class);
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    /** Logged once the SIP UDP listener is bound; inbound calls are served from then on. */
    private static final String READY_LINE = "sip signaling listening on";

    static {
        // Never leave it behind, even when a test is interrupted.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly)));
    }

    /** What a number dialled at this peer leads to: the trunk and dispatch rule created for it. */
    public record Route(String number, String room, String trunkId, String ruleId, String uri) {}

    private final LiveKitServer server;
    private final Path dir;
    private final int sipPort;
    private final int[] rtpPorts;
    private final Path config;
    private final Path log;
    private final Process process;
    private boolean closed;

    private LiveKitSip(LiveKitServer server, Path workRoot, int rtpPortCount) throws IOException {
        Path bin = binary();
        this.server = server;
        this.dir = workRoot.resolve("livekit-sip-" + SEQUENCE.incrementAndGet());
        Files.createDirectories(dir);
        this.sipPort = FreePorts.udpAndTcp();
        // The gateway range (40000..49999): LiveKit SIP plays the gateway's part in the comparison.
        this.rtpPorts = FreePorts.gatewayRtpRange(Math.max(4, rtpPortCount));
        this.config = dir.resolve("livekit-sip.yaml");
        this.log = dir.resolve("livekit-sip.log");
        Files.writeString(config, config());
        List<String> cmd = List.of(bin.toString(), "--config", config.toString());
        Files.writeString(dir.resolve("command.txt"), String.join(" ", cmd) + "\n");
        this.process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        LIVE.add(process);
        if (!Await.within(() -> ready() || !process.isAlive(), START_TIMEOUT) || !process.isAlive()) {
            String tail = tail();
            close();
            fail("livekit-sip did not start listening on 127.0.0.1:" + sipPort + " within "
                    + START_TIMEOUT.toSeconds() + " s (log " + log + "):\n" + tail);
        }
        LOG.info("livekit-sip {} on 127.0.0.1:{} (rtp {}-{}) for {}, log {}",
                VERSION, sipPort, rtpPorts[0], rtpPorts[1], server.url(), log);
    }

    /** Starts LiveKit SIP for {@code server} with {@value #DEFAULT_RTP_PORTS} RTP ports, files under {@code workRoot}. */
    public static LiveKitSip start(LiveKitServer server, Path workRoot) {
        return start(server, workRoot, DEFAULT_RTP_PORTS);
    }

    /** Starts LiveKit SIP for {@code server} with room for {@code rtpPortCount} RTP ports (≥ one per call). */
    public static LiveKitSip start(LiveKitServer server, Path workRoot, int rtpPortCount) {
        try {
            return new LiveKitSip(server, workRoot, rtpPortCount);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The built binary: $LIVEKIT_SIP_BIN, else the cache tests/setup.sh builds into. May not exist. */
    public static Path binaryPath() {
        String override = System.getenv("LIVEKIT_SIP_BIN");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        return LiveKitServer.cacheDir().resolve("livekit-sip-" + VERSION);
    }

    /** True when the binary is built (tests that need it skip otherwise; CI builds it). */
    public static boolean isBuilt() {
        return Files.isExecutable(binaryPath());
    }

    /** The built binary; fails the test with the fix when it is missing. */
    public static Path binary() {
        Path bin = binaryPath();
        if (!Files.isExecutable(bin)) {
            fail("livekit-sip " + VERSION + " is not built (" + bin + "): run tests/setup.sh livekit_sip");
        }
        return bin;
    }

    private String config() {
        return String.join("\n",
                "# generated by LiveKitSip",
                "api_key: " + server.apiKey(),
                "api_secret: " + server.apiSecret(),
                "ws_url: " + server.url(),
                "redis:",
                // The server's own Redis: trunks, dispatch rules and the psrpc bus live there.
                "  address: " + server.redisAddress(),
                "sip_port: " + sipPort,
                "listen_ip: 127.0.0.1",
                "rtp_port: " + rtpPorts[0] + "-" + rtpPorts[1],
                // Advertise loopback in Contact and SDP: no STUN (use_external_ip), and without
                // nat_1_to_1_ip it would pick the first non-loopback interface address.
                "use_external_ip: false",
                "nat_1_to_1_ip: 127.0.0.1",
                "logging:",
                "  level: info",
                "");
    }

    private boolean ready() {
        try {
            return Files.readString(log).contains(READY_LINE);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Makes {@code sip:<number>@127.0.0.1:<sipPort>} land in {@code room}: an inbound trunk for that
     * number (callers from {@value #CALLER_ADDRESSES}, no digest auth) and a "direct" dispatch rule
     * on that trunk, created through the server's SIP API. Every caller joins the same room.
     * LiveKit SIP keeps a call ringing (180) until someone else in the room publishes a track
     * (3 min ringing timeout in v1.8.0): have a client or another caller in the room first.
     */
    public Route routeToRoom(String number, String room) {
        return route(number, room, new SipDispatchRuleDirect(room, null));
    }

    private Route route(String number, String room, SipDispatchRule rule) {
        SipServiceClient sip = server.sipClient();
        try {
            CreateSipInboundTrunkOptions trunkOptions = new CreateSipInboundTrunkOptions();
            trunkOptions.setAllowedAddresses(List.of(CALLER_ADDRESSES));
            SIPInboundTrunkInfo trunk = ok(sip.createSipInboundTrunk("to " + number, List.of(number), trunkOptions).execute());
            CreateSipDispatchRuleOptions ruleOptions = new CreateSipDispatchRuleOptions();
            ruleOptions.setName(number + " to " + room);
            ruleOptions.setTrunkIds(List.of(trunk.getSipTrunkId()));
            SIPDispatchRuleInfo info = ok(sip.createSipDispatchRule(rule, ruleOptions).execute());
            return new Route(number, room, trunk.getSipTrunkId(), info.getSipDispatchRuleId(), uri(number));
        } catch (IOException e) {
            throw new UncheckedIOException("LiveKit SIP API on " + server.httpUrl(), e);
        }
    }

    private <T> T ok(Response<T> response) throws IOException {
        if (!response.isSuccessful()) {
            String body = response.errorBody() != null ? response.errorBody().string() : "";
            throw new AssertionError("LiveKit SIP API: HTTP " + response.code() + " " + body + " (log " + server.log() + ")");
        }
        return response.body();
    }

    /** The SIP URI that reaches {@code number} at this peer. */
    public String uri(String number) {
        return "sip:" + number + "@127.0.0.1:" + sipPort;
    }

    public int sipPort() {
        return sipPort;
    }

    /** First and last RTP port it may use. */
    public int[] rtpPorts() {
        return rtpPorts.clone();
    }

    /** The process id, for CPU and memory sampling from /proc. */
    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    public Path dir() {
        return dir;
    }

    public Path log() {
        return log;
    }

    /** The last lines of its log, for failure messages. */
    public String tail() {
        return LogTail.of(log, 30, "log");
    }

    /**
     * Stops it: SIGTERM lets it end its calls (it waits for them); past a second, SIGKILL, so a
     * test never waits on calls still up.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Processes.stop(process, Duration.ofSeconds(1));
        LIVE.remove(process);
    }

    @Override
    public String toString() {
        return "LiveKitSip[127.0.0.1:" + sipPort + " -> " + server.url() + "]";
    }
}

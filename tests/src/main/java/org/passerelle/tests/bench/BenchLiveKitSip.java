package org.passerelle.tests.bench;

import java.time.Duration;
import io.livekit.server.CreateSipDispatchRuleOptions;
import io.livekit.server.CreateSipInboundTrunkOptions;
import io.livekit.server.SipDispatchRuleDirect;
import io.livekit.server.SipServiceClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import livekit.LivekitSip.SIPInboundTrunkInfo;
import retrofit2.Response;

/**
 * The peer of the LiveKit load: LiveKit SIP ({@code github.com/livekit/sip}, the binary
 * tests/setup.sh builds) joining the harness's own livekit-server through its Redis (psrpc), so
 * the same calls can be placed through it after Passerelle's phase, in the same run. SIP on
 * 127.0.0.1 at the given port, advertising 127.0.0.1 (nat_1_to_1_ip: no STUN, no LAN address);
 * RTP in the given range (v1.8.0 binds it on 0.0.0.0, not configurable). Each room gets a number
 * ({@link #number(int)}) with an inbound trunk and a direct dispatch rule to that room. A fresh
 * process per run: a closed call keeps its RTP port 30 s. Always {@link #close()}.
 */
final class BenchLiveKitSip implements AutoCloseable {
    /** Same pin as tests/setup.sh LIVEKIT_SIP_VERSION and LiveKitSip.VERSION (test scope). */
    static final String VERSION = "v1.8.0";
    /** The number dialled for room i: the trunks match the To user as a phone number. */
    static final String NUMBER_FORMAT = "+3319900%04d";
    /** Logged once the SIP UDP listener is bound; inbound calls are served from then on. */
    private static final String READY_LINE = "sip signaling listening on";

    private final Process process;
    private final Path log;
    private final int sipPort;

    private BenchLiveKitSip(Path binary, Path dir, BenchLiveKitServer sfu, int sipPort, int rtpFirst, int rtpLast) throws IOException {
        this.sipPort = sipPort;
        Path config = dir.resolve("livekit-sip.yaml");
        this.log = dir.resolve("livekit-sip.log");
        Files.writeString(config, String.join("\n",
                "api_key: " + BenchLiveKitServer.API_KEY,
                "api_secret: " + BenchLiveKitServer.API_SECRET,
                "ws_url: " + sfu.url(),
                "redis:",
                "  address: " + sfu.redisAddress(),
                "sip_port: " + sipPort,
                "listen_ip: 127.0.0.1",
                "rtp_port: " + rtpFirst + "-" + rtpLast,
                "use_external_ip: false",
                "nat_1_to_1_ip: 127.0.0.1",
                "logging:",
                // info: a few lines per call (never per packet), among them its own call statistics.
                "  level: info",
                ""));
        List<String> cmd = List.of(binary.toString(), "--config", config.toString());
        Files.writeString(dir.resolve("livekit-sip-command.txt"), String.join(" ", cmd) + "\n");
        process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }

    /** The built binary ($LIVEKIT_SIP_BIN, else the tests/setup.sh cache), if it is there. */
    static Optional<Path> binary() {
        String override = System.getenv("LIVEKIT_SIP_BIN");
        if (override != null && !override.isBlank()) return Optional.of(Path.of(override)).filter(Files::isExecutable);
        return Optional.of(BenchLiveKitServer.cacheDir().resolve("livekit-sip-" + VERSION)).filter(Files::isExecutable);
    }

    /** Starts it for {@code sfu} (which must have Redis) and waits for its SIP listener. */
    static BenchLiveKitSip start(Path binary, Path dir, BenchLiveKitServer sfu, int sipPort, int rtpFirst, int rtpLast) throws Exception {
        BenchLiveKitSip s = new BenchLiveKitSip(binary, dir, sfu, sipPort, rtpFirst, rtpLast);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!s.process.isAlive()) {
                throw new IllegalStateException("livekit-sip exited (" + s.process.exitValue() + "); see " + s.log);
            }
            if (Files.exists(s.log) && Files.readString(s.log).contains(READY_LINE)) return s;
            Thread.sleep(100);
        }
        s.close();
        throw new IllegalStateException("livekit-sip not listening within 20 s; see " + s.log);
    }

    /** The number that reaches room {@code index}. */
    static String number(int index) {
        return String.format(NUMBER_FORMAT, index);
    }

    /**
     * Routes {@link #number(int) number(i)} to room {@code prefix-i} for each room: an inbound
     * trunk for that number (callers from 127.0.0.1, no digest auth) and a direct dispatch rule,
     * through the server's SIP API.
     */
    static void routeRooms(BenchLiveKitServer sfu, String prefix, int rooms) throws IOException {
        SipServiceClient sip = SipServiceClient.Companion.createClient(sfu.httpUrl(), BenchLiveKitServer.API_KEY,
                BenchLiveKitServer.API_SECRET);
        for (int r = 0; r < rooms; r++) {
            String number = number(r);
            String room = prefix + "-" + r;
            CreateSipInboundTrunkOptions trunkOptions = new CreateSipInboundTrunkOptions();
            trunkOptions.setAllowedAddresses(List.of("127.0.0.1/32"));
            SIPInboundTrunkInfo trunk = ok(sip.createSipInboundTrunk("to " + number, List.of(number), trunkOptions).execute());
            CreateSipDispatchRuleOptions ruleOptions = new CreateSipDispatchRuleOptions();
            ruleOptions.setName(number + " to " + room);
            ruleOptions.setTrunkIds(List.of(trunk.getSipTrunkId()));
            ok(sip.createSipDispatchRule(new SipDispatchRuleDirect(room, null), ruleOptions).execute());
        }
    }

    private static <T> T ok(Response<T> response) throws IOException {
        if (!response.isSuccessful()) {
            String body = response.errorBody() != null ? response.errorBody().string() : "";
            throw new IOException("LiveKit SIP API: HTTP " + response.code() + " " + body);
        }
        return response.body();
    }

    int sipPort() {
        return sipPort;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    /** SIGTERM (it waits for its calls), past a second SIGKILL: the calls are already hung up. */
    @Override
    public void close() throws InterruptedException {
        Processes.stop(process, Duration.ofSeconds(1));
    }
}

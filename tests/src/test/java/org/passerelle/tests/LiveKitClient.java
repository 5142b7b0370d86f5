package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livekit.server.AccessToken;
import io.livekit.server.CanPublish;
import io.livekit.server.CanPublishData;
import io.livekit.server.CanSubscribe;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A real LiveKit participant: tests/livekit/client/client.mjs on {@code @livekit/rtc-node} (the
 * WebRTC stack of LiveKit's own SDKs). It joins a room, publishes a sine tone as a microphone
 * track, and reports once a second what it receives (dominant frequency, levels) per remote track
 * and mixed, plus DTMF and data packets. Its events, log and command line stay in its directory
 * under the work root. Always {@link #close()}.
 */
public final class LiveKitClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    /** A received tone this close to the expected frequency is that tone (Goertzel blocks of 100 ms). */
    public static final double FREQUENCY_TOLERANCE_HZ = 15;
    /** Quieter than this (dBFS RMS) a report is silence, whatever its "dominant" frequency. */
    public static final double SILENCE_DBFS = -50;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly)));
    }

    /** What was received in one report period, from one track or mixed. */
    public record Heard(double seconds, double rmsDb, double dominantHz, double dominantDb, Map<Double, Double> levels) {
        static Heard of(JsonNode n) {
            Map<Double, Double> levels = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.path("levels").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                levels.put(Double.parseDouble(e.getKey()), e.getValue().asDouble());
            }
            return new Heard(n.path("seconds").asDouble(), n.path("rmsDb").asDouble(-200),
                    n.path("dominantHz").asDouble(), n.path("dominantDb").asDouble(-200), levels);
        }

        /** Not silence, and the strongest frequency is {@code hz}. */
        public boolean dominantIs(double hz) {
            return rmsDb > SILENCE_DBFS && seconds > 0.5 && Math.abs(dominantHz - hz) <= FREQUENCY_TOLERANCE_HZ;
        }

        /** Level of a probed tone (see {@link Builder#probe}), dBFS; -200 when not probed. */
        public double levelDb(double hz) {
            return levels.getOrDefault(hz, -200.0);
        }
    }

    /** One remote track in a report. */
    public record TrackHeard(String participant, String sid, Heard heard) {}

    /** One report: {@code t} seconds after joining, per remote audio track and mixed. */
    public record Report(double t, List<TrackHeard> tracks, Heard mixed) {
        static Report of(JsonNode n) {
            List<TrackHeard> tracks = new ArrayList<>();
            for (JsonNode t : n.path("tracks")) {
                tracks.add(new TrackHeard(t.path("participant").asText(), t.path("sid").asText(), Heard.of(t)));
            }
            return new Report(n.path("t").asDouble(), List.copyOf(tracks), Heard.of(n.path("mixed")));
        }

        public Optional<Heard> from(String participantIdentity) {
            return tracks.stream().filter(t -> t.participant().equals(participantIdentity)).map(TrackHeard::heard).findFirst();
        }
    }

    /** A DTMF packet received from the room (LiveKit SIP DTMF: RFC 4733 event code and digit). */
    public record Dtmf(String participant, int code, String digit) {}

    /** A data packet received from the room. */
    public record Data(String participant, String topic, String text) {}

    private final String identity;
    private final Path dir;
    private final Process process;
    private final Writer stdin;
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final Thread pump;

    private LiveKitClient(Builder b) throws IOException {
        Path script = clientDir().resolve("client.mjs");
        if (!Files.isDirectory(clientDir().resolve("node_modules"))) {
            fail("the LiveKit test client is not installed (" + clientDir() + "/node_modules): run tests/setup.sh livekit_client");
        }
        this.identity = b.identity;
        this.dir = b.workRoot.resolve("lkclient-" + b.identity + "-" + SEQUENCE.incrementAndGet());
        Files.createDirectories(dir);
        String token = b.token != null ? b.token : token(b.apiKey, b.apiSecret, b.room, b.identity, b.name);
        List<String> cmd = new ArrayList<>(List.of(RequiredTool.NODE.require().toString(), script.toString(),
                "--url", b.url, "--token", token, "--tone", Double.toString(b.toneHz),
                "--report-ms", Long.toString(b.reportInterval.toMillis())));
        if (!b.probe.isEmpty()) {
            cmd.add("--probe");
            cmd.add(String.join(",", b.probe.stream().map(d -> Double.toString(d)).toList()));
        }
        if (b.lifetime != null) {
            cmd.add("--seconds");
            cmd.add(Long.toString(b.lifetime.toSeconds()));
        }
        // The token is a credential: the recorded command line leaves it out.
        Files.writeString(dir.resolve("command.txt"), String.join(" ", cmd).replace(token, "<token>") + "\n");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(clientDir().toFile())
                .redirectError(dir.resolve("client.log").toFile());
        // rtc-node logs (pino, JSON on stdout) at debug level unless NODE_ENV is production.
        pb.environment().put("NODE_ENV", "production");
        this.process = pb.start();
        LIVE.add(process);
        this.stdin = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.pump = Thread.ofPlatform().daemon().name("lkclient-" + identity).start(this::pumpEvents);
    }

    public static Builder builder(String identity, Path workRoot) {
        return new Builder(identity, workRoot);
    }

    /** tests/livekit/client in the repository. */
    public static Path clientDir() {
        return TestDirs.repoRoot().resolve("tests").resolve("livekit").resolve("client");
    }

    /** A join token for {@code room}: publish, subscribe and data, valid for an hour. */
    public static String token(String apiKey, String apiSecret, String room, String identity, String name) {
        AccessToken t = new AccessToken(apiKey, apiSecret);
        t.setIdentity(identity);
        t.setName(name);
        t.setTtl(TimeUnit.HOURS.toMillis(1));
        t.addGrants(new RoomJoin(true), new RoomName(room), new CanPublish(true), new CanSubscribe(true),
                new CanPublishData(true));
        return t.toJwt();
    }

    private void pumpEvents() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             OutputStream log = Files.newOutputStream(dir.resolve("events.jsonl"));
             OutputStream libraryLog = Files.newOutputStream(dir.resolve("rtc-node.log"))) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode event = parse(line);
                // Our events have an "event" field; anything else is rtc-node's own log (pino on stdout).
                OutputStream to = event != null && event.has("event") ? log : libraryLog;
                to.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                to.flush();
                if (to == log) {
                    events.add(event);
                }
            }
        } catch (IOException e) {
            // process gone
        }
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    public String identity() {
        return identity;
    }

    public Path dir() {
        return dir;
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Every event so far, oldest first (see client.mjs for their shapes). */
    public List<JsonNode> events() {
        return List.copyOf(events);
    }

    public List<JsonNode> events(String type) {
        return events.stream().filter(e -> type.equals(e.path("event").asText())).toList();
    }

    public List<Report> reports() {
        return events("report").stream().map(Report::of).toList();
    }

    public List<Dtmf> dtmfReceived() {
        return events("dtmf").stream().map(e -> new Dtmf(e.path("participant").asText(), e.path("code").asInt(),
                e.path("digit").asText())).toList();
    }

    public List<Data> dataReceived() {
        return events("data").stream().map(e -> new Data(e.path("participant").asText(), e.path("topic").asText(),
                e.path("text").asText())).toList();
    }

    /** Identities of the remote participants present now (joined, not left), by the events. */
    public List<String> participants() {
        List<String> present = new ArrayList<>();
        for (JsonNode e : events) {
            if ("connected".equals(e.path("event").asText())) {
                e.path("participants").forEach(p -> present.add(p.path("identity").asText()));
            } else if ("participant".equals(e.path("event").asText())) {
                String id = e.path("identity").asText();
                switch (e.path("action").asText()) {
                    case "joined" -> { if (!present.contains(id)) present.add(id); }
                    case "left" -> present.remove(id);
                    default -> { }
                }
            }
        }
        return present;
    }

    /** LiveKit's ParticipantKind of a participant as last reported (3 = SIP), or -1 when never seen. */
    public int participantKind(String identity) {
        int kind = -1;
        for (JsonNode e : events) {
            if ("connected".equals(e.path("event").asText())) {
                for (JsonNode p : e.path("participants")) {
                    if (identity.equals(p.path("identity").asText())) kind = p.path("kind").asInt(-1);
                }
            } else if ("participant".equals(e.path("event").asText()) && identity.equals(e.path("identity").asText())) {
                kind = e.path("kind").asInt(kind);
            }
        }
        return kind;
    }

    /** Waits until connected to the room (and publishing, when it has a tone). */
    public LiveKitClient awaitConnected(Duration timeout) {
        awaitEvent(e -> "connected".equals(e.path("event").asText()), timeout, "connected");
        return this;
    }

    /** Waits for the first event matching the test; fails with the client's events on timeout. */
    public JsonNode awaitEvent(Predicate<JsonNode> test, Duration timeout, String what) {
        Await.until(() -> events.stream().anyMatch(test) || !process.isAlive(), timeout, () -> describe(what));
        return events.stream().filter(test).findFirst().orElseGet(() -> fail(describe(what)));
    }

    /**
     * Waits until {@code consecutive} reports in a row have {@code hz} as the dominant mixed frequency,
     * and returns the last of them.
     */
    public Report awaitHearing(double hz, int consecutive, Duration timeout) {
        Await.until(() -> lastReportsHear(hz, consecutive) || !process.isAlive(), timeout,
                () -> describe("hearing " + hz + " Hz in " + consecutive + " reports in a row"));
        if (!lastReportsHear(hz, consecutive)) {
            fail(describe("hearing " + hz + " Hz"));
        }
        List<Report> r = reports();
        return r.get(r.size() - 1);
    }

    /**
     * Waits for a report (newer than any so far) that passes the test, e.g. one where the mix holds
     * two probed tones; fails with the client's events on timeout.
     */
    public Report awaitReport(Predicate<Report> test, Duration timeout, String what) {
        int seen = reports().size();
        Await.until(() -> newReports(seen).stream().anyMatch(test) || !process.isAlive(), timeout, () -> describe(what));
        return newReports(seen).stream().filter(test).findFirst().orElseGet(() -> fail(describe(what)));
    }

    private List<Report> newReports(int skip) {
        List<Report> r = reports();
        return r.subList(Math.min(skip, r.size()), r.size());
    }

    private boolean lastReportsHear(double hz, int consecutive) {
        List<Report> r = reports();
        if (r.size() < consecutive) {
            return false;
        }
        return r.subList(r.size() - consecutive, r.size()).stream().allMatch(x -> x.mixed().dominantIs(hz));
    }

    /** Sends LiveKit SIP DTMF packets, one per digit (0-9, *, #, A-D). */
    public void sendDtmf(String digits) {
        command("dtmf " + digits);
    }

    /** Sends a reliable data packet with a topic. */
    public void sendData(String topic, String text) {
        command("data " + topic + " " + text);
    }

    /** Publishes silence instead of the tone (the track stays published) until {@link #unmute()}. */
    public void mute() {
        command("mute");
    }

    public void unmute() {
        command("unmute");
    }

    private synchronized void command(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("LiveKit client " + identity + " gone; " + describe(line), e);
        }
    }

    /** The events so far and the end of the log, for assertion messages. */
    public String describe(String what) {
        StringBuilder sb = new StringBuilder("LiveKit client '" + identity + "' (" + dir + ")"
                + (process.isAlive() ? "" : " exited " + process.exitValue()) + ", waiting for " + what + "; events:");
        List<JsonNode> all = events();
        for (JsonNode e : all.subList(Math.max(0, all.size() - 12), all.size())) {
            sb.append("\n  ").append(e);
        }
        try {
            List<String> log = Files.readAllLines(dir.resolve("client.log"));
            for (String l : log.subList(Math.max(0, log.size() - 10), log.size())) {
                sb.append("\n  log: ").append(l);
            }
        } catch (IOException e) {
            // no log yet
        }
        return sb.toString();
    }

    /** Leaves the room ("quit", then closes stdin) and waits for the process; kills it if it hangs. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                command("quit");
                stdin.close();
            }
        } catch (IOException | UncheckedIOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            pump.join(2000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        LIVE.remove(process);
    }

    @Override
    public String toString() {
        return "LiveKitClient[" + identity + "]";
    }

    public static final class Builder {
        private final String identity;
        private final Path workRoot;
        private String name;
        private String url;
        private String apiKey;
        private String apiSecret;
        private String room;
        private String token;
        private double toneHz = 440;
        private final List<Double> probe = new ArrayList<>();
        private Duration reportInterval = Duration.ofSeconds(1);
        private Duration lifetime;

        private Builder(String identity, Path workRoot) {
            this.identity = identity;
            this.name = identity;
            this.workRoot = workRoot;
        }

        /** Joins {@code room} on this server, with a token minted here for the identity. */
        public Builder server(LiveKitServer server, String room) {
            this.url = server.url();
            this.apiKey = server.apiKey();
            this.apiSecret = server.apiSecret();
            this.room = room;
            return this;
        }

        /** Joins with a ready token instead (the room and identity are the token's). */
        public Builder token(String url, String token) {
            this.url = url;
            this.token = token;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** The tone published as the microphone track; 0 publishes nothing (listen only). */
        public Builder tone(double hz) {
            this.toneHz = hz;
            return this;
        }

        /** Tones whose levels every report gives (per track and mixed). */
        public Builder probe(double... hz) {
            for (double h : hz) {
                probe.add(h);
            }
            return this;
        }

        public Builder reportInterval(Duration interval) {
            this.reportInterval = interval;
            return this;
        }

        /** Leaves by itself after this long (a safety net; {@link #close()} is the normal end). */
        public Builder lifetime(Duration lifetime) {
            this.lifetime = lifetime;
            return this;
        }

        public LiveKitClient start() {
            if (url == null) {
                throw new IllegalStateException("server(...) or token(...) first");
            }
            try {
                return new LiveKitClient(this);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

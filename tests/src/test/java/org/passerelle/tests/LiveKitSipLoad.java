package org.passerelle.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.passerelle.tests.bench.ProcessSampler;

/**
 * LiveKit SIP alone under load, for first figures before the same-run comparison: SIPp places N
 * concurrent PCMU/20 ms calls (each streams a 1 kHz tone all along) into rooms of a real LiveKit
 * server through {@link LiveKitSip}, holds them all for T seconds, and this program reads the CPU
 * time ({@code /proc/<pid>/stat} utime+stime) of livekit-sip, livekit-server and SIPp over that
 * window, and livekit-sip's RSS ({@code /proc/<pid>/status} VmRSS). Each call's own statistics
 * (LiveKit SIP's "call statistics" log line) tell whether audio went both ways.
 *
 * <pre>
 * mvn -q -B -pl tests -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test.classpath
 * java -cp tests/target/test-classes:tests/target/classes:$(cat tests/target/test.classpath) \
 *     -Dpasserelle.repo=$PWD org.passerelle.tests.LiveKitSipLoad --calls 20,50 --seconds 30
 * </pre>
 * Options: {@code --calls N[,N...]} (≤ 500 each), {@code --seconds T} (hold measured, ≤ 600),
 * {@code --room-size S} (calls per room, ≥ 2, default 10), {@code --rate R} (calls/s, default 10).
 * LiveKit SIP keeps a call ringing until someone else in its room publishes a track, so a room
 * needs two callers; the first caller of each room is answered when the second one joins.
 * Writes {@code tests/target/lksip-load/<time>/report.json}; the run directory keeps every log.
 */
public final class LiveKitSipLoad {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
    private static final String ACCEPTED = "Accepting the call";
    private static final String CLOSED = "Inbound call closed";

    private final Path work;
    private final int seconds;
    private final int roomSize;
    private final int rate;
    private final Map<Integer, LiveKitSip.Route> routes = new HashMap<>();

    private LiveKitSipLoad(Path work, int seconds, int roomSize, int rate) {
        this.work = work;
        this.seconds = seconds;
        this.roomSize = roomSize;
        this.rate = rate;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        int[] calls = Arrays.stream(o.getOrDefault("calls", "20,50").split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        int seconds = Integer.parseInt(o.getOrDefault("seconds", "30"));
        int roomSize = Integer.parseInt(o.getOrDefault("room-size", "10"));
        int rate = Integer.parseInt(o.getOrDefault("rate", "10"));
        if (Arrays.stream(calls).anyMatch(n -> n < 2 || n > 500) || seconds < 5 || seconds > 600 || roomSize < 2 || rate < 1 || rate > 100) {
            // Room size ≥ 2: LiveKit SIP does not answer a caller alone in its room.
            throw new IllegalArgumentException("bounds: 2 ≤ calls ≤ 500, 5 ≤ seconds ≤ 600, room-size ≥ 2, 1 ≤ rate ≤ 100");
        }
        RequiredTool.SIPP.require();
        LiveKitSip.binary();
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Path work = Files.createDirectories(TestDirs.repoRoot().resolve("tests/target/lksip-load").resolve(stamp));
        ObjectNode report = JSON.createObjectNode();
        report.put("what", "LiveKit SIP " + LiveKitSip.VERSION + " alone (not the same-run comparison)");
        report.put("livekitServer", LiveKitServer.VERSION);
        report.put("cpus", Runtime.getRuntime().availableProcessors());
        report.put("command", String.join(" ", args));
        report.put("roomSize", roomSize);
        ArrayNode runs = report.putArray("runs");
        try (LiveKitServer server = LiveKitServer.start(work)) {
            LiveKitSipLoad load = new LiveKitSipLoad(work, seconds, roomSize, rate);
            for (int n : calls) {
                // A fresh livekit-sip per run: its idle RSS is the baseline (Go keeps freed memory
                // a while) and no RTP port of the run before is still draining.
                try (LiveKitSip sip = LiveKitSip.start(server, work, 2 * n + 100)) {
                    ObjectNode run = load.run(server, sip, n);
                    runs.add(run);
                    print(run);
                }
                Files.writeString(work.resolve("report.json"), JSON.writeValueAsString(report));
            }
        }
        System.out.println("report: " + work.resolve("report.json"));
        System.exit(0);
    }

    private ObjectNode run(LiveKitServer server, LiveKitSip sip, int n) throws Exception {
        Path dir = Files.createDirectories(work.resolve("run-" + n + "c"));
        int rooms = (n + roomSize - 1) / roomSize;
        StringBuilder csv = new StringBuilder("SEQUENTIAL\n");
        for (int i = 0; i < n; i++) {
            csv.append(route(sip, i % rooms).number()).append(";\n");
        }
        Files.writeString(dir.resolve("calls.csv"), csv);
        ToneFiles.pcmuWav(dir.resolve("tone.wav"), 1000, 30);
        long logMark = Files.size(sip.log());
        Await.pause(Duration.ofSeconds(3));
        ProcessSampler sipProcess = new ProcessSampler(sip.pid());
        long rssIdle = sipProcess.rssBytes();

        int rampSeconds = (n + rate - 1) / rate;
        int holdSeconds = seconds + rampSeconds + 15;
        int localPort = FreePorts.udpAndTcp();
        int mediaPort = FreePorts.sippRtpRange(4)[0];
        List<String> cmd = List.of(RequiredTool.SIPP.require().toString(), "127.0.0.1:" + sip.sipPort(),
                "-sf", SippRunner.scenarioDir().resolve("uac_call_hold_inf.xml").toString(),
                "-inf", dir.resolve("calls.csv").toString(),
                "-m", Integer.toString(n), "-l", Integer.toString(n), "-r", Integer.toString(rate),
                "-d", Integer.toString(holdSeconds * 1000),
                "-t", "u1", "-i", "127.0.0.1", "-p", Integer.toString(localPort),
                "-mi", "127.0.0.1", "-mp", Integer.toString(mediaPort),
                "-timeout", (holdSeconds + rampSeconds + 60) + "s", "-timeout_error",
                "-max_retrans", "5", "-nostdin",
                "-trace_err", "-error_file", dir.resolve("errors.log").toString(),
                "-trace_stat", "-stf", dir.resolve("stats.csv").toString(), "-fd", "1");
        Files.writeString(dir.resolve("command.txt"), String.join(" ", cmd) + "\n");
        long started = System.nanoTime();
        Process sipp = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sipp-output.txt").toFile()).start();
        sipp.getOutputStream().close();
        try {
            // Every call answered (or SIPp gone, or far too long): then all of them are up at once.
            // Polled every 0.5 s: the log is read from the mark each time.
            long deadline = started + TimeUnit.SECONDS.toNanos(rampSeconds + 30);
            while (count(sip.log(), logMark, ACCEPTED) < n && sipp.isAlive() && System.nanoTime() < deadline) {
                Await.pause(Duration.ofMillis(500));
            }
            boolean allUp = count(sip.log(), logMark, ACCEPTED) >= n;
            double setupSeconds = (System.nanoTime() - started) / 1e9;
            int accepted = count(sip.log(), logMark, ACCEPTED);
            if (accepted == 0) {
                // LiveKit SIP rings until another participant of the room publishes a track: a
                // caller alone in a room (room size 1) is never answered.
                throw new IllegalStateException(n + " calls placed, none answered (rooms of " + roomSize
                        + "; LiveKit SIP answers only once someone else in the room publishes): see " + sip.log());
            }
            Await.pause(Duration.ofSeconds(2));

            ProcessSampler lkProcess = new ProcessSampler(server.pid()), sippProcess = new ProcessSampler(sipp.pid());
            double sip0 = sipProcess.cpuSeconds(), lk0 = lkProcess.cpuSeconds(), sipp0 = sippProcess.cpuSeconds();
            int closedBefore = count(sip.log(), logMark, CLOSED);
            long t0 = System.nanoTime();
            long rssMax = 0, lkRssMax = 0;
            while (System.nanoTime() - t0 < seconds * 1_000_000_000L) {
                rssMax = Math.max(rssMax, sipProcess.rssBytes());
                lkRssMax = Math.max(lkRssMax, lkProcess.rssBytes());
                Await.pause(Duration.ofMillis(500));
            }
            double window = (System.nanoTime() - t0) / 1e9;
            double sip1 = sipProcess.cpuSeconds(), lk1 = lkProcess.cpuSeconds(), sipp1 = sippProcess.cpuSeconds();
            int closedDuring = count(sip.log(), logMark, CLOSED) - closedBefore;

            if (!sipp.waitFor(holdSeconds + 60, TimeUnit.SECONDS)) {
                sipp.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            Await.within(() -> count(sip.log(), logMark, CLOSED) >= accepted, Duration.ofSeconds(15));
            int[] sippCounts = SippRunner.readCounts(dir.resolve("stats.csv"));

            ObjectNode run = JSON.createObjectNode();
            run.put("calls", n);
            run.put("rooms", rooms);
            run.put("rate", rate);
            run.put("holdMeasuredSeconds", round(window, 1));
            run.put("allAnswered", allUp && accepted >= n);
            run.put("answered", accepted);
            run.put("secondsToAnswerAll", round(setupSeconds, 1));
            run.put("sippSuccessful", sippCounts[0]);
            run.put("sippFailed", sippCounts[1]);
            run.put("callsEndedDuringWindow", closedDuring);
            callStatistics(sip.log(), logMark, run);
            // Each call lasts about its hold (SIPp pauses -d after the ACK): 50 frames a second.
            run.put("framesDuePerCall", holdSeconds * 50);
            double callMinutes = accepted * window / 60.0;
            run.put("livekitSipCpuSeconds", round(sip1 - sip0, 2));
            run.put("livekitSipCpuSecondsPerCallMinute", round((sip1 - sip0) / callMinutes, 4));
            run.put("livekitSipCoresBusy", round((sip1 - sip0) / window, 3));
            run.put("livekitServerCpuSecondsPerCallMinute", round((lk1 - lk0) / callMinutes, 4));
            run.put("livekitServerCoresBusy", round((lk1 - lk0) / window, 3));
            run.put("sippCoresBusy", round((sipp1 - sipp0) / window, 3));
            run.put("livekitSipRssIdleMiB", round(rssIdle / 1048576.0, 1));
            run.put("livekitSipRssMaxMiB", round(rssMax / 1048576.0, 1));
            run.put("livekitSipRssPerCallKiB", round((rssMax - rssIdle) / 1024.0 / Math.max(1, accepted), 0));
            run.put("livekitServerRssMaxMiB", round(lkRssMax / 1048576.0, 1));
            run.put("loadAverageAtEnd", Files.readString(Path.of("/proc/loadavg")).trim());
            run.put("dir", dir.toString());
            return run;
        } finally {
            if (sipp.isAlive()) sipp.destroyForcibly();
        }
    }

    private LiveKitSip.Route route(LiveKitSip sip, int room) {
        return routes.computeIfAbsent(room, k -> sip.routeToRoom(String.format("+331990%04d", k), "load-" + k));
    }

    /**
     * What LiveKit SIP says of each call that ended since {@code mark}: audio from the phone
     * (port.audio_in_frames), to the phone (port.audio_out_frames), from the room
     * (room.input_packets), and INVITE→accept (signaling timestamps, inviteToAcceptMs).
     */
    private static void callStatistics(Path log, long mark, ObjectNode run) throws IOException {
        int both = 0, calls = 0;
        long lost = 0, inFrames = 0, outFrames = 0;
        List<Double> accept = new ArrayList<>();
        for (String line : since(log, mark).split("\n")) {
            int tab = line.lastIndexOf('\t');
            if (tab < 0) continue;
            if (line.contains("\tcall statistics\t")) {
                JsonNode s = JSON.readTree(line.substring(tab + 1)).path("stats");
                calls++;
                long in = s.path("port").path("audio_in_frames").asLong();
                long out = s.path("port").path("audio_out_frames").asLong();
                long room = s.path("room").path("input_packets").asLong();
                inFrames += in;
                outFrames += out;
                lost += s.path("port").path("jitter_buffer_packets_lost").asLong();
                if (in > 0 && out > 0 && room > 0) both++;
            } else if (line.contains("\tsignaling timestamps\t")) {
                JsonNode t = JSON.readTree(line.substring(tab + 1));
                if (t.has("inviteToAcceptMs")) accept.add(t.path("inviteToAcceptMs").asDouble());
            }
        }
        run.put("callsWithStatistics", calls);
        run.put("callsWithAudioBothWays", both);
        run.put("framesFromPhonesPerCall", calls == 0 ? 0 : inFrames / calls);
        run.put("framesToPhonesPerCall", calls == 0 ? 0 : outFrames / calls);
        run.put("jitterBufferLost", lost);
        accept.sort(Double::compare);
        run.put("inviteToAcceptMsP50", percentile(accept, 0.50));
        run.put("inviteToAcceptMsP95", percentile(accept, 0.95));
        run.put("inviteToAcceptMsMax", accept.isEmpty() ? -1 : accept.get(accept.size() - 1));
    }

    private static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) return -1;
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private static String since(Path log, long mark) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long length = f.length();
            byte[] bytes = new byte[(int) Math.max(0, length - mark)];
            f.seek(mark);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static int count(Path log, long mark, String message) {
        String text = since(log, mark);
        String needle = "\t" + message + "\t";
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) count++;
        return count;
    }

    private static double round(double v, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(v * scale) / scale;
    }

    private static void print(ObjectNode run) {
        System.out.printf("%n== LiveKit SIP %s alone: %d calls in %d rooms, %.0f s measured ==%n",
                LiveKitSip.VERSION, run.path("calls").asInt(), run.path("rooms").asInt(), run.path("holdMeasuredSeconds").asDouble());
        run.fields().forEachRemaining(e -> System.out.printf("  %-38s %s%n", e.getKey(), e.getValue().asText()));
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) throw new IllegalArgumentException("expected --option value, got " + args[i]);
            o.put(args[i].substring(2), args[i + 1]);
        }
        return o;
    }
}

package org.passerelle.tests.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./passerelle bench load --calls N --seconds T [--rooms R] [--rate CPS]}: starts the
 * gateway as its own process on 127.0.0.1, starts the {@link LoadGenerator} in another, lets it
 * place N PCMU calls into R embedded rooms and hold them T seconds, samples both processes'
 * CPU and memory from /proc (and the gateway's live heap with jcmd), measures the codec limit in
 * this process once both are gone, then prints a table and writes JSON.
 *
 * <p>With {@code --platform livekit} the rooms are on a livekit-server the harness starts, with
 * one LiveKit talker per room; then, with {@code --peer livekit-sip} (the default when the binary
 * is built), the same calls run again in the same run through LiveKit SIP joining the same
 * server, its process sampled exactly as the gateway's, and the report gives Passerelle / LiveKit
 * SIP ratios.
 *
 * <p>Bounded: at most {@value #MAX_CALLS} calls, {@value #MAX_SECONDS} s of hold, {@value #MAX_RATE}
 * calls/s; every wait has a deadline and both processes are killed on the way out.
 */
public final class LoadHarness {
    static final int MAX_CALLS = 1000;
    static final int MAX_SECONDS = 600;
    static final int MAX_RATE = 200;
    /** Each LiveKit room has a talker process (node + the LiveKit SDK): kept few. */
    static final int MAX_LIVEKIT_ROOMS = 10;

    /** Where the calls' rooms are: inside the gateway, or on a LiveKit server the harness starts. */
    public enum Platform { EMBEDDED, LIVEKIT }

    /** Who else takes the same load in the same run: LiveKit SIP (on the LiveKit platform only), or no one. */
    public enum Peer { LIVEKIT_SIP, NONE }

    /** What one run was asked to do. */
    public record Options(int calls, int seconds, int rooms, double rate, Path jar, Path outDir, double codecSeconds,
                          boolean jfr, Platform platform, Peer peer) {
        /** Embedded rooms. */
        public Options(int calls, int seconds, int rooms, double rate, Path jar, Path outDir, double codecSeconds, boolean jfr) {
            this(calls, seconds, rooms, rate, jar, outDir, codecSeconds, jfr, Platform.EMBEDDED);
        }

        /** No peer. */
        public Options(int calls, int seconds, int rooms, double rate, Path jar, Path outDir, double codecSeconds, boolean jfr,
                       Platform platform) {
            this(calls, seconds, rooms, rate, jar, outDir, codecSeconds, jfr, platform, Peer.NONE);
        }

        public Options {
            if (peer == Peer.LIVEKIT_SIP && platform != Platform.LIVEKIT) {
                throw new IllegalArgumentException("--peer livekit-sip needs --platform livekit (LiveKit SIP joins LiveKit rooms)");
            }
            if (platform == Platform.LIVEKIT && rooms > MAX_LIVEKIT_ROOMS) {
                throw new IllegalArgumentException("--rooms must be at most " + MAX_LIVEKIT_ROOMS
                        + " on LiveKit (one talker process per room); give --rooms");
            }
            if (calls < 2 || calls > MAX_CALLS) throw new IllegalArgumentException("--calls must be 2.." + MAX_CALLS);
            if (seconds < 1 || seconds > MAX_SECONDS) throw new IllegalArgumentException("--seconds must be 1.." + MAX_SECONDS);
            if (rate <= 0 || rate > MAX_RATE) throw new IllegalArgumentException("--rate must be >0 and <=" + MAX_RATE);
            if (rooms < 1 || calls < 2 * rooms) {
                throw new IllegalArgumentException("--rooms must be 1.." + calls / 2 + " (two calls per room at least: one talks, one listens)");
            }
        }

        static Options parse(String[] args) {
            Map<String, String> o = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) throw new IllegalArgumentException("bad argument " + args[i]);
                // A repeated option is refused: the last one silently winning once made an A/B
                // (--jar) run the same build on both sides.
                if (o.put(args[i].substring(2), args[++i]) != null) {
                    throw new IllegalArgumentException("option " + args[i - 1] + " given twice");
                }
            }
            for (String k : o.keySet()) {
                if (!List.of("calls", "seconds", "rooms", "rate", "jar", "out", "codec-seconds", "jfr", "platform", "peer").contains(k)) {
                    throw new IllegalArgumentException("unknown option --" + k);
                }
            }
            Platform platform = switch (o.getOrDefault("platform", "embedded")) {
                case "embedded" -> Platform.EMBEDDED;
                case "livekit" -> Platform.LIVEKIT;
                default -> throw new IllegalArgumentException("--platform must be embedded or livekit");
            };
            // On LiveKit, LiveKit SIP takes the same load after Passerelle when it is built.
            Peer peer = switch (o.getOrDefault("peer", platform == Platform.LIVEKIT && BenchLiveKitSip.binary().isPresent()
                    ? "livekit-sip" : "none")) {
                case "livekit-sip" -> Peer.LIVEKIT_SIP;
                case "none" -> Peer.NONE;
                default -> throw new IllegalArgumentException("--peer must be livekit-sip or none");
            };
            // On LiveKit 50 by default: what 2 cores carry with the SFU and the talkers on them (BENCHMARKS.md).
            int calls = Integer.parseInt(o.getOrDefault("calls", platform == Platform.LIVEKIT ? "50" : "100"));
            int rooms = o.containsKey("rooms") ? Integer.parseInt(o.get("rooms"))
                    : platform == Platform.LIVEKIT ? Math.max(1, Math.min(MAX_LIVEKIT_ROOMS, calls / 10)) : Math.max(1, calls / 10);
            return new Options(calls, Integer.parseInt(o.getOrDefault("seconds", "30")), rooms,
                    Double.parseDouble(o.getOrDefault("rate", "50")),
                    o.containsKey("jar") ? Path.of(o.get("jar")) : null,
                    Path.of(o.getOrDefault("out", defaultOut().toString())),
                    Double.parseDouble(o.getOrDefault("codec-seconds", "3")),
                    Boolean.parseBoolean(o.getOrDefault("jfr", "false")), platform, peer);
        }

        private static Path defaultOut() {
            String repo = System.getProperty("passerelle.repo");
            return (repo != null ? Path.of(repo) : Path.of(".")).resolve("tests/target/bench").toAbsolutePath().normalize();
        }
    }

    private LoadHarness() {}

    /** Runs from the command line; returns the exit status (0 when every call was set up). */
    public static int main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench load: " + e.getMessage());
            return 2;
        }
        try {
            Map<String, Object> report = run(options);
            System.out.println(LoadReport.table(report));
            System.out.println("JSON: " + report.get("jsonFile"));
            return ((Number) report.get("callsFailed")).intValue() == 0 ? 0 : 1;
        } catch (Exception e) {
            System.err.println("bench load failed: " + e);
            e.printStackTrace();
            return 1;
        }
    }

    /** One run; returns the report (also written as JSON under the out directory). */
    public static Map<String, Object> run(Options o) throws Exception {
        Files.createDirectories(o.outDir());
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Path runDir = Files.createDirectories(o.outDir().resolve("load-" + o.calls() + "c-" + stamp));
        Map<String, Object> machine = machine();
        String java = ProcessHandle.current().info().command().orElse("java");
        int sipPort = freePort();
        int httpPort = freePort();
        int rtpFirst = 20000 + 2 * ThreadLocalRandom.current().nextInt(0, 2000);
        int rtpLast = rtpFirst + 4 * o.calls() + 100;

        boolean livekit = o.platform() == Platform.LIVEKIT;
        boolean peer = o.peer() == Peer.LIVEKIT_SIP;
        BenchLiveKitServer sfu = null;
        Path talkerScript = null;
        Path peerBinary = null;
        if (peer) {
            peerBinary = BenchLiveKitSip.binary().orElseThrow(() -> new IllegalStateException(
                    "livekit-sip " + BenchLiveKitSip.VERSION + " is not built: run tests/setup.sh livekit_sip, or give --peer none"));
        }
        if (livekit) {
            Path binary = BenchLiveKitServer.binary().orElseThrow(() -> new IllegalStateException(
                    "livekit-server " + BenchLiveKitServer.VERSION + " is not built: run tests/setup.sh livekit"));
            talkerScript = talkerScript();
            // Redis only for the peer: LiveKit SIP reaches the server through it (psrpc).
            sfu = BenchLiveKitServer.start(binary, runDir, freePort(), freePort(), freePort(), peer ? freePort() : 0);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        try {
            List<String> gwCmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                    "--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow"));
            if (o.jfr()) {
                // JFR's profile settings (method samples every 10-20 ms): see 'jfr view hot-methods gateway.jfr'
                gwCmd.add("-XX:StartFlightRecording=filename=" + runDir.resolve("gateway.jfr") + ",settings=profile");
            }
            if (o.jar() != null) {
                gwCmd.addAll(List.of("-jar", o.jar().toString()));
            } else {
                gwCmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.passerelle.gateway.Main"));
            }
            gwCmd.addAll(List.of("run", "--bind", "127.0.0.1", "--sip-port", Integer.toString(sipPort),
                    "--http-port", Integer.toString(httpPort), "--rtp-ports", rtpFirst + "-" + rtpLast));
            if (livekit) {
                // Calls join LiveKit rooms (README "Rooms on LiveKit"); no waiting prompt: the rooms'
                // talkers are in before the first call, and a prompt would pass for the room's audio.
                Path config = runDir.resolve("gateway.yaml");
                Files.writeString(config, String.join("\n", "livekit:", "  url: " + sfu.url(),
                        "  apiKey: " + BenchLiveKitServer.API_KEY, "  apiSecret: " + BenchLiveKitServer.API_SECRET,
                        "  waitingPrompt: false", ""));
                gwCmd.addAll(List.of("--config", config.toString()));
            }
            Files.writeString(runDir.resolve("gateway-command.txt"), String.join(" ", gwCmd) + "\n");
            Process gateway = new ProcessBuilder(gwCmd).redirectErrorStream(true)
                    .redirectOutput(runDir.resolve("gateway.log").toFile()).start();
            Phase pass;
            try {
                awaitHealthy(httpPort, gateway, Duration.ofSeconds(60));
                pass = phase(o, java, runDir, new ProcessSampler(gateway.pid()), true, sipPort, null, sfu, talkerScript);
            } finally {
                stop(gateway);
            }
            report.put("kind", livekit ? "livekit" : "embedded");
            report.put("time", Instant.now().toString());
            report.put("calls", o.calls());
            report.put("rooms", o.rooms());
            report.put("rate", o.rate());
            report.put("seconds", o.seconds());
            pass.putCalls(report);
            report.put("gateway", pass.process());
            if (pass.sfu() != null) report.put("livekitServer", pass.sfu());
            report.put("generator", pass.generator());
            pass.putAudio(report);

            if (peer) {
                // The same calls through LiveKit SIP on the same livekit-server, once Passerelle is
                // gone: same N, T, rooms and rate, a fresh identical set of talkers, a fresh
                // livekit-sip (a closed call keeps its RTP port 30 s).
                Path peerDir = Files.createDirectories(runDir.resolve("livekit-sip"));
                int peerSipPort = freePort();
                int peerRtpFirst = rtpLast + 2 - (rtpLast % 2);
                int peerRtpLast = peerRtpFirst + 2 * o.calls() + 100;
                Map<String, Object> lks = new LinkedHashMap<>();
                lks.put("version", BenchLiveKitSip.VERSION);
                try (BenchLiveKitSip sip = BenchLiveKitSip.start(peerBinary, peerDir, sfu, peerSipPort, peerRtpFirst, peerRtpLast)) {
                    lks.put("log", sip.log().toString());
                    BenchLiveKitSip.routeRooms(sfu, "load", o.rooms());
                    Phase p = phase(o, java, peerDir, new ProcessSampler(sip.pid()), false, peerSipPort,
                            BenchLiveKitSip.NUMBER_FORMAT, sfu, talkerScript);
                    p.putCalls(lks);
                    lks.put("process", p.process());
                    lks.put("livekitServer", p.sfu());
                    lks.put("generator", p.generator());
                    p.putAudio(lks);
                    report.put("passerelleToLiveKitSip", ratios(report, lks));
                } catch (Exception e) {
                    // Passerelle's figures stand; the report says why the peer has none.
                    System.err.println("bench load: the LiveKit SIP phase failed: " + e);
                    lks.put("failed", e.toString());
                }
                report.put("livekitSip", lks);
            } else if (livekit) {
                report.put("livekitSip", Map.of("notRun", BenchLiveKitSip.binary().isPresent() ? "--peer none"
                        : "livekit-sip " + BenchLiveKitSip.VERSION + " not built (tests/setup.sh livekit_sip)"));
            }
        } finally {
            if (sfu != null) sfu.close();
        }
        // The codec limit, measured here once the gateway and the generator are gone.
        CodecLimit.Result limit = CodecLimit.measure(Math.max(2, o.calls() / o.rooms()), o.codecSeconds());
        Map<String, Object> lim = new LinkedHashMap<>();
        lim.put("embeddedCpuSecondsPerCallMinute", round4(limit.embedded()));
        lim.put("pcmuOpusCpuSecondsPerCallMinute", round4(limit.pcmuOpus()));
        lim.put("embeddedVia48kCpuSecondsPerCallMinute", round4(limit.embeddedVia48k()));
        lim.put("pcmuOpusVia48kCpuSecondsPerCallMinute", round4(limit.pcmuOpusVia48k()));
        // The kernel's share for the same RTP, one socket per stream (a LiveKit call also sends to the SFU).
        double udpFloor = UdpFloor.measure(o.calls(), livekit ? 2 : 1, o.codecSeconds());
        lim.put("udpFloorCpuSecondsPerCallMinute", Double.isNaN(udpFloor) ? null : round4(udpFloor));
        report.put("codecLimit", lim);
        @SuppressWarnings("unchecked")
        Object perCall = ((Map<String, Object>) report.get("gateway")).get("cpuSecondsPerCallMinute");
        // Each call's own path: PCMU⇄Opus on LiveKit (its track is Opus-encoded for the SFU; the
        // room's tracks are decoded once per room), the embedded room path otherwise.
        double ownLimit = livekit ? limit.pcmuOpus() : limit.embedded();
        @SuppressWarnings("unchecked")
        Object perCallSteady = ((Map<String, Object>) report.get("gateway")).get("cpuSecondsPerCallMinuteSecondHalf");
        report.put("ratioToCodecLimit", perCall instanceof Number n && ownLimit > 0
                ? round(n.doubleValue() / ownLimit) : null);
        report.put("ratioToCodecLimitSecondHalf", perCallSteady instanceof Number n && ownLimit > 0
                ? round(n.doubleValue() / ownLimit) : null);
        double via48k = livekit ? limit.pcmuOpusVia48k() : limit.embeddedVia48k();
        report.put("ratioToCodecLimitVia48k", perCall instanceof Number n && via48k > 0
                ? round(n.doubleValue() / via48k) : null);
        report.put("ratioToCodecLimitVia48kSecondHalf", perCallSteady instanceof Number n && via48k > 0
                ? round(n.doubleValue() / via48k) : null);
        double floorLimit = Double.isNaN(udpFloor) ? Double.NaN : ownLimit + udpFloor;
        report.put("ratioToCodecLimitPlusUdpFloor", perCall instanceof Number n && floorLimit > 0
                ? round(n.doubleValue() / floorLimit) : null);
        report.put("ratioToCodecLimitPlusUdpFloorSecondHalf", perCallSteady instanceof Number n && floorLimit > 0
                ? round(n.doubleValue() / floorLimit) : null);
        if (report.get("livekitSip") instanceof Map<?, ?> m && m.get("process") instanceof Map<?, ?> pm && ownLimit > 0) {
            @SuppressWarnings("unchecked")
            Map<String, Object> lks = (Map<String, Object>) m;
            if (pm.get("cpuSecondsPerCallMinute") instanceof Number n) lks.put("ratioToCodecLimit", round(n.doubleValue() / ownLimit));
            if (pm.get("cpuSecondsPerCallMinuteSecondHalf") instanceof Number n) {
                lks.put("ratioToCodecLimitSecondHalf", round(n.doubleValue() / ownLimit));
            }
        }
        report.put("machine", machine);
        Path json = runDir.resolve("report.json");
        report.put("jsonFile", json.toString());
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        mapper.writeValue(json.toFile(), report);
        mapper.writeValue(o.outDir().resolve("load-latest.json").toFile(), report);
        return report;
    }

    /** What one phase measured: the generator's figures, the target's process, the generator's and the SFU's CPU. */
    private record Phase(Map<String, Object> g, Map<String, Object> process, Map<String, Object> generator,
                         Map<String, Object> sfu) {
        void putCalls(Map<String, Object> to) {
            for (String k : List.of("callsEstablished", "callsFailed", "failuresByCode", "callsEndedByGateway")) to.put(k, g.get(k));
        }

        void putAudio(Map<String, Object> to) {
            for (String k : List.of("sustainedCallsPerSecond", "setupSeconds", "inviteTo200Ms", "callsWithAudioBack",
                    "inviteToFirstAudioMs", "addedLatencyMs", "addedLatencySecondHalfMs", "burstRestartsInHold", "lossPercent", "packetsExpected", "packetsLost",
                    "receivedInHoldPercentOfDue", "jitterMs")) {
                to.put(k, g.get(k));
            }
        }
    }

    /**
     * Runs the generator against the SIP target at {@code sipPort} (the gateway, or the peer) and
     * samples the target's process exactly alike: CPU over the hold, RSS idle and at its largest
     * in the hold, and the live Java heap when {@code javaHeap}.
     */
    private static Phase phase(Options o, String java, Path dir, ProcessSampler gw, boolean javaHeap, int sipPort,
                               String dialFormat, BenchLiveKitServer sfu, Path talkerScript) throws Exception {
        boolean livekit = sfu != null;
        long idleRss = gw.rssBytes();
        long idleHeap = javaHeap ? gw.liveHeapBytes() : -1;
        double gwCpuIdle = gw.cpuSeconds();

        Path genJson = dir.resolve("generator.json");
        List<String> genCmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"),
                LoadGenerator.class.getName(), "--target", "127.0.0.1:" + sipPort,
                "--sip-port", Integer.toString(freePort()), "--calls", Integer.toString(o.calls()),
                "--rooms", Integer.toString(o.rooms()), "--rate", Double.toString(o.rate()),
                "--seconds", Integer.toString(o.seconds()), "--out", genJson.toString()));
        if (livekit) {
            genCmd.addAll(List.of("--livekit-url", sfu.url(), "--livekit-key", BenchLiveKitServer.API_KEY,
                    "--livekit-secret", BenchLiveKitServer.API_SECRET, "--talker-script", talkerScript.toString()));
        }
        if (dialFormat != null) genCmd.addAll(List.of("--dial-format", dialFormat));
        Files.writeString(dir.resolve("generator-command.txt"), String.join(" ", genCmd) + "\n");
        Process generator = new ProcessBuilder(genCmd).redirectError(dir.resolve("generator.log").toFile()).start();
        try {
            ProcessSampler gen = new ProcessSampler(generator.pid());
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(generator.getInputStream()))) {
                    String l;
                    while ((l = r.readLine()) != null) lines.add(l);
                } catch (IOException ignored) {
                    // generator gone
                }
            });
            long setupBudget = (long) (o.calls() / o.rate()) + 60;
            await(lines, "READY", 60, generator);
            double genCpuReady = gen.cpuSeconds();
            await(lines, "SETUP_DONE", setupBudget, generator);
            double gwCpuHoldStart = gw.cpuSeconds();
            double genCpuHoldStart = gen.cpuSeconds();
            ProcessSampler sfuSampler = livekit ? new ProcessSampler(sfu.pid()) : null;
            double sfuCpuHoldStart = livekit ? sfuSampler.cpuSeconds() : 0;
            // The hold's second half alone: the steady state, without what the first seconds of
            // the hold still carry (LiveKit joins and DTLS handshakes after the 200, the JIT).
            double[] mid = {Double.NaN, 0, 0}; // target CPU s, SFU CPU s, nanoTime at the middle
            Thread midSample = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(o.seconds() * 500L);
                } catch (InterruptedException e) {
                    return;
                }
                mid[1] = livekit ? sfuSampler.cpuSeconds() : 0;
                mid[2] = System.nanoTime();
                mid[0] = gw.cpuSeconds();
            });
            // Sample RSS through the hold; the figure is its largest value.
            long[] holdRss = {gw.rssBytes()};
            Thread rssWatch = Thread.ofVirtual().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    holdRss[0] = Math.max(holdRss[0], gw.rssBytes());
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            await(lines, "HOLD_DONE", o.seconds() + 30, generator);
            double gwCpuHoldEnd = gw.cpuSeconds();
            double genCpuHoldEnd = gen.cpuSeconds();
            double sfuCpuHoldEnd = livekit ? sfuSampler.cpuSeconds() : 0;
            long holdEndNanos = System.nanoTime();
            midSample.interrupt();
            midSample.join();
            rssWatch.interrupt();
            long holdHeap = javaHeap ? gw.liveHeapBytes() : -1;
            long peakRss = gw.peakRssBytes();
            await(lines, "DONE", 60, generator);
            double genCpuTotal = gen.cpuSeconds();
            generator.waitFor(10, TimeUnit.SECONDS);

            @SuppressWarnings("unchecked")
            Map<String, Object> g = new ObjectMapper().readValue(genJson.toFile(), Map.class);
            int est = ((Number) g.get("callsEstablished")).intValue();
            double holdSeconds = ((Number) g.get("holdSeconds")).doubleValue();
            double callMinutes = est * holdSeconds / 60.0;
            double gwCpu = gwCpuHoldEnd - gwCpuHoldStart;
            Map<String, Object> gwm = new LinkedHashMap<>();
            gwm.put("cpuSecondsInHold", round(gwCpu));
            gwm.put("cpuSecondsPerCallMinute", callMinutes > 0 ? round4(gwCpu / callMinutes) : null);
            gwm.put("coresBusyInHold", round(gwCpu / holdSeconds));
            double secondHalfSeconds = (holdEndNanos - mid[2]) / 1e9;
            boolean haveMid = !Double.isNaN(mid[0]) && secondHalfSeconds > 1;
            if (haveMid) {
                double cpu2 = gwCpuHoldEnd - mid[0];
                gwm.put("cpuSecondsPerCallMinuteSecondHalf", est > 0 ? round4(cpu2 / (est * secondHalfSeconds / 60.0)) : null);
                gwm.put("coresBusySecondHalf", round(cpu2 / secondHalfSeconds));
            }
            gwm.put("cpuSecondsSetup", round(gwCpuHoldStart - gwCpuIdle));
            gwm.put("rssIdleMiB", mib(idleRss));
            gwm.put("rssHoldMiB", mib(holdRss[0]));
            gwm.put("rssPerCallKiB", est > 0 ? round((holdRss[0] - idleRss) / 1024.0 / est) : null);
            if (javaHeap) {
                gwm.put("liveHeapIdleMiB", mib(idleHeap));
                gwm.put("liveHeapHoldMiB", mib(holdHeap));
                gwm.put("heapPerCallKiB", est > 0 && idleHeap > 0 && holdHeap > 0 ? round((holdHeap - idleHeap) / 1024.0 / est) : null);
            }
            gwm.put("peakRssMiB", mib(peakRss));
            Map<String, Object> genm = new LinkedHashMap<>();
            genm.put("cpuSecondsInHold", round(genCpuHoldEnd - genCpuHoldStart));
            genm.put("coresBusyInHold", round((genCpuHoldEnd - genCpuHoldStart) / holdSeconds));
            genm.put("cpuSecondsTotal", round(genCpuTotal - genCpuReady));
            Map<String, Object> lk = null;
            if (livekit) {
                genm.put("livekitTalkersCoresBusyInHold", g.get("livekitTalkersCoresBusyInHold"));
                lk = new LinkedHashMap<>();
                double sfuCpu = sfuCpuHoldEnd - sfuCpuHoldStart;
                lk.put("cpuSecondsInHold", round(sfuCpu));
                lk.put("cpuSecondsPerCallMinute", callMinutes > 0 ? round4(sfuCpu / callMinutes) : null);
                lk.put("coresBusyInHold", round(sfuCpu / holdSeconds));
                if (haveMid) lk.put("coresBusySecondHalf", round((sfuCpuHoldEnd - mid[1]) / secondHalfSeconds));
                lk.put("talkers", o.rooms());
            }
            return new Phase(g, gwm, genm, lk);
        } finally {
            if (generator.isAlive()) generator.destroyForcibly();
        }
    }

    /** Passerelle / LiveKit SIP on what both measured: below 1, Passerelle uses less (or is faster). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> ratios(Map<String, Object> pass, Map<String, Object> peer) {
        Map<String, Object> r = new LinkedHashMap<>();
        Map<String, Object> a = (Map<String, Object>) pass.get("gateway");
        Map<String, Object> b = (Map<String, Object>) peer.get("process");
        r.put("cpuSecondsPerCallMinute", ratio(a.get("cpuSecondsPerCallMinute"), b.get("cpuSecondsPerCallMinute")));
        r.put("cpuSecondsPerCallMinuteSecondHalf",
                ratio(a.get("cpuSecondsPerCallMinuteSecondHalf"), b.get("cpuSecondsPerCallMinuteSecondHalf")));
        r.put("rssPerCall", ratio(a.get("rssPerCallKiB"), b.get("rssPerCallKiB")));
        r.put("rssHold", ratio(a.get("rssHoldMiB"), b.get("rssHoldMiB")));
        for (String k : List.of("inviteTo200Ms", "inviteToFirstAudioMs", "addedLatencyMs")) {
            Map<String, Object> pa = (Map<String, Object>) pass.get(k);
            Map<String, Object> pb = (Map<String, Object>) peer.get(k);
            for (String p : List.of("p50", "p99")) {
                r.put(k.replace("Ms", "") + "_" + p, pa == null || pb == null ? null : ratio(pa.get(p), pb.get(p)));
            }
        }
        return r;
    }

    private static Double ratio(Object a, Object b) {
        // Not for a negative side: RSS per call is below 0 when the JVM gave memory back during the hold.
        return a instanceof Number x && b instanceof Number y && x.doubleValue() >= 0 && y.doubleValue() > 0
                ? round(x.doubleValue() / y.doubleValue()) : null;
    }

    /** tests/livekit/client/bench-talker.mjs, with its node_modules installed (tests/setup.sh livekit_client). */
    private static Path talkerScript() {
        String repo = System.getProperty("passerelle.repo");
        Path dir = repo != null ? Path.of(repo) : Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("tests/livekit/client"))) dir = dir.getParent();
        if (dir == null) throw new IllegalStateException("tests/livekit/client not found above " + Path.of("").toAbsolutePath());
        Path client = dir.resolve("tests/livekit/client");
        if (!Files.isDirectory(client.resolve("node_modules"))) {
            throw new IllegalStateException("the LiveKit client is not installed (" + client + "/node_modules): run tests/setup.sh livekit_client");
        }
        return client.resolve("bench-talker.mjs");
    }

    private static void await(BlockingQueue<String> lines, String marker, long seconds, Process p) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            String l = lines.poll(200, TimeUnit.MILLISECONDS);
            if (marker.equals(l)) return;
            if (l == null && !p.isAlive() && lines.isEmpty()) {
                throw new IllegalStateException("generator exited (" + p.exitValue() + ") before " + marker);
            }
        }
        throw new IllegalStateException("generator did not reach " + marker + " within " + seconds + " s");
    }

    private static void awaitHealthy(int httpPort, Process gateway, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!gateway.isAlive()) throw new IllegalStateException("gateway exited (" + gateway.exitValue() + "); see gateway.log");
            try {
                if (http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("gateway not healthy within " + timeout.toSeconds() + " s; see gateway.log");
    }

    private static void stop(Process p) {
        Processes.stop(p, Duration.ofSeconds(15)); // SIGTERM: the gateway hangs up what is left and exits
    }

    /** A port free on 127.0.0.1 for both UDP and TCP (SIP listens on both), in 15000..19999. */
    private static int freePort() {
        for (int i = 0; i < 200; i++) {
            int port = ThreadLocalRandom.current().nextInt(15000, 20000);
            try (DatagramSocket u = new DatagramSocket(new InetSocketAddress("127.0.0.1", port));
                 ServerSocket t = new ServerSocket()) {
                t.bind(new InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException e) {
                // taken
            }
        }
        throw new UncheckedIOException(new IOException("no free port on 127.0.0.1"));
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        try {
            Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name")).findFirst()
                    .ifPresent(l -> m.put("cpuModel", l.substring(l.indexOf(':') + 1).trim()));
            m.put("loadAverageAtEnd", Files.readString(Path.of("/proc/loadavg")).trim());
        } catch (IOException ignored) {
            // not Linux
        }
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        return m;
    }

    private static Double mib(long bytes) {
        return bytes < 0 ? null : round(bytes / 1048576.0);
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static double round4(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}

package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a SIPp scenario from tests/sipp against 127.0.0.1:port, one call ({@code -m 1}) by default,
 * bounded by SIPp's own {@code -timeout} and by a process deadline. Logs ({@code -trace_err},
 * {@code -trace_msg}, {@code -trace_stat}) go to the run's working directory, where the scenario's
 * {@code tone.wav} (RTP for rtp_stream) is generated.
 */
public final class SippRunner {
    private final String scenario;
    private final int targetPort;
    private final Path dir;
    private String service = "service";
    private int calls = 1;
    private Duration timeout = Duration.ofSeconds(30);
    private int toneHz = 440;
    private String localIp = "127.0.0.1";
    private String authUser;
    private String authPassword;
    private String dtmfDigits;
    private final java.util.Map<String, String> keys = new java.util.LinkedHashMap<>();

    private SippRunner(String scenario, int targetPort, Path dir) {
        this.scenario = scenario;
        this.targetPort = targetPort;
        this.dir = dir;
    }

    /** A run of {@code tests/sipp/<scenario>} against 127.0.0.1:{@code targetPort}, working in {@code dir}. */
    public static SippRunner scenario(String scenario, int targetPort, Path dir) {
        return new SippRunner(scenario, targetPort, dir);
    }

    public static Path scenarioDir() {
        return TestDirs.repoRoot().resolve("tests").resolve("sipp");
    }

    /** User part of the request URI ({@code -s}), i.e. the room. */
    public SippRunner room(String room) {
        this.service = room;
        return this;
    }

    public SippRunner calls(int calls) {
        this.calls = calls;
        return this;
    }

    public SippRunner timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** Frequency of the tone SIPp streams as PCMU (rtp_stream of tone.wav). */
    public SippRunner tone(int hz) {
        this.toneHz = hz;
        return this;
    }

    /**
     * SIPp's own address for SIP and media ({@code -i}, {@code -mi}); any 127.x.y.z works on Linux
     * loopback, which lets a test call from a source address a trunk allows or refuses.
     */
    public SippRunner localIp(String ip) {
        this.localIp = ip;
        return this;
    }

    /** Digest credentials SIPp answers a 401 with ({@code -au}, {@code -ap}; MD5 only in SIPp 3.6). */
    public SippRunner auth(String user, String password) {
        this.authUser = user;
        this.authPassword = password;
        return this;
    }

    /** A value for {@code [name]} in the scenario ({@code -key name value}), e.g. the PIN to type. */
    public SippRunner key(String name, String value) {
        keys.put(name, value);
        return this;
    }

    /**
     * Writes {@code dtmf.wav} in the working directory: these keys as in-band Q.23 tones (PCMU), for
     * a scenario that streams it with {@code rtp_stream}.
     */
    public SippRunner dtmfTones(String digits) {
        this.dtmfDigits = digits;
        return this;
    }

    /** Runs to the end and returns what happened. */
    public SippResult run() {
        return start().await();
    }

    /** Starts SIPp in the background (e.g. to watch the gateway while the scenario runs). */
    public Running start() {
        Path sipp = RequiredTool.SIPP.require();
        Path scenarioFile = scenarioDir().resolve(scenario);
        if (!Files.isRegularFile(scenarioFile)) {
            fail("no SIPp scenario " + scenarioFile);
        }
        try {
            Files.createDirectories(dir);
            ToneFiles.pcmuWav(dir.resolve("tone.wav"), toneHz, 30);
            if (dtmfDigits != null) {
                ToneFiles.dtmfPcmuWav(dir.resolve("dtmf.wav"), dtmfDigits);
            }
            int localPort = FreePorts.udpAndTcp();
            int mediaPort = FreePorts.sippRtpRange(4)[0];
            List<String> cmd = new ArrayList<>(Arrays.asList(
                    sipp.toString(), "127.0.0.1:" + targetPort,
                    "-sf", scenarioFile.toString(),
                    "-s", service,
                    "-m", Integer.toString(calls),
                    "-t", "u1",
                    "-i", localIp, "-p", Integer.toString(localPort),
                    "-mi", localIp, "-mp", Integer.toString(mediaPort),
                    "-timeout", timeout.toSeconds() + "s", "-timeout_error",
                    "-recv_timeout", "10s",
                    "-max_retrans", "5",
                    "-nostdin",
                    "-trace_err", "-error_file", dir.resolve("errors.log").toString(),
                    "-trace_msg", "-message_file", dir.resolve("messages.log").toString(),
                    "-trace_stat", "-stf", dir.resolve("stats.csv").toString(),
                    "-trace_logs", "-log_file", dir.resolve("actions.log").toString()));
            if (authUser != null) {
                cmd.addAll(List.of("-au", authUser, "-ap", authPassword));
            }
            keys.forEach((k, v) -> cmd.addAll(List.of("-key", k, v)));
            Files.writeString(dir.resolve("command.txt"), String.join(" ", cmd) + "\n");
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("sipp-output.txt").toFile()).start();
            p.getOutputStream().close();
            return new Running(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start SIPp " + scenario, e);
        }
    }

    /** A SIPp process started by {@link #start()}. */
    public final class Running {
        private final Process process;

        private Running(Process process) {
            this.process = process;
        }

        public boolean isRunning() {
            return process.isAlive();
        }

        /** Waits for SIPp to end (killing it past its own timeout plus a margin) and reads the stats. */
        public SippResult await() {
            try {
                if (!process.waitFor(timeout.toSeconds() + 15, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            int[] counts = readCounts(dir.resolve("stats.csv"));
            return new SippResult(scenario, process.isAlive() ? -1 : process.exitValue(), counts[0], counts[1], dir);
        }
    }

    /** SuccessfulCall(C) and FailedCall(C) from the last line of SIPp's statistics CSV. */
    static int[] readCounts(Path csv) {
        try {
            if (!Files.exists(csv)) {
                return new int[] {0, 0};
            }
            List<String> lines = Files.readAllLines(csv, StandardCharsets.ISO_8859_1).stream()
                    .filter(l -> !l.isBlank()).toList();
            if (lines.size() < 2) {
                return new int[] {0, 0};
            }
            List<String> header = Arrays.asList(lines.get(0).split(";", -1));
            String[] last = lines.get(lines.size() - 1).split(";", -1);
            return new int[] {
                    intAt(last, header.indexOf("SuccessfulCall(C)")),
                    intAt(last, header.indexOf("FailedCall(C)"))};
        } catch (IOException e) {
            return new int[] {0, 0};
        }
    }

    private static int intAt(String[] values, int index) {
        if (index < 0 || index >= values.length) {
            return 0;
        }
        try {
            return Integer.parseInt(values[index].trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}

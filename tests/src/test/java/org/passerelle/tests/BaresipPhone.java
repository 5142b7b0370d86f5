package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real baresip 1.0 phone: sends a sine tone, records what it receives to {@code *-dec.wav}
 * (sndfile module), driven by {@code -e "/dial ..."} and ctrl_tcp. Runs in its own directory under
 * the test work dir, where its config, log and recordings stay for diagnosis. Always {@link #close()}.
 */
public final class BaresipPhone implements AutoCloseable {

    /** Codec restriction for the account; the value is baresip's {@code audio_codecs} entry. */
    public enum Codec {
        PCMU("PCMU"),
        PCMA("PCMA"),
        // Without a rate baresip reads NAME/8000/1 and silently drops the entry.
        G722("G722/16000/1"),
        OPUS("opus/48000/2");

        private final String baresipName;

        Codec(String baresipName) {
            this.baresipName = baresipName;
        }

        public String baresipName() {
            return baresipName;
        }

        /** The name baresip logs for the codec ("Set audio decoder: opus ..."). */
        public String logName() {
            int slash = baresipName.indexOf('/');
            return slash < 0 ? baresipName : baresipName.substring(0, slash);
        }
    }

    /** Where the phone's call stands, from baresip's own output. */
    public enum CallState { IDLE, ESTABLISHED, CLOSED }

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    /** The call status baresip redraws with \r ("[0:00:03] audio=64000/64000 (bit/s)"), glued to the next message. */
    private static final Pattern STATUS = Pattern.compile("\\[\\d+:\\d\\d:\\d\\d\\] audio=\\S* ?(\\(bit/s\\))?\\s*");
    private static final Pattern CLOSED_REASON = Pattern.compile("session closed: (.*)");
    private static final Pattern DECODER = Pattern.compile("audio: Set audio decoder: (\\S+) ");
    /** baresip's line for a DTMF digit it received: an RFC 4733 event's end, or a SIP INFO. */
    private static final Pattern DTMF_RECEIVED = Pattern.compile("received (?:event: '(.)' \\(end=1\\)|DTMF: '(.)')");

    static {
        // Never leave phones behind, even when a test is interrupted.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly)));
    }

    private final String name;
    private final Path dir;
    private final int sipPort;
    private final int ctrlPort;
    private final Process process;
    private final Thread outputPump;
    private final CtrlTcpClient ctrl;
    private final AtomicInteger established = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final AtomicReference<String> closeReason = new AtomicReference<>("");
    private volatile long recordingStartNanos;
    private boolean localHangupPending; // output pump thread only
    private final AtomicReference<String> decoder = new AtomicReference<>("");
    private final StringBuffer dtmfReceived = new StringBuffer();

    private BaresipPhone(Builder b) throws IOException {
        RequiredTool.BARESIP.require();
        this.name = b.name;
        this.dir = b.workRoot.resolve(b.name + "-" + SEQUENCE.incrementAndGet());
        Files.createDirectories(dir);
        this.sipPort = FreePorts.block(2);
        this.ctrlPort = FreePorts.udpAndTcp();
        Files.writeString(dir.resolve("config"), config(b));
        Files.writeString(dir.resolve("accounts"), account(b) + "\n");

        List<String> cmd = new ArrayList<>(List.of(
                RequiredTool.BARESIP.require().toString(), "-f", dir.toString(),
                "-t", Long.toString(b.lifetime.toSeconds())));
        if (b.dialUri != null) {
            cmd.add("-e");
            cmd.add("/dial " + b.dialUri);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        Files.writeString(dir.resolve("command.txt"), String.join(" ", cmd) + "\n");
        this.process = pb.start();
        LIVE.add(process);
        process.getOutputStream().close();
        this.ctrl = new CtrlTcpClient(ctrlPort);
        this.outputPump = Thread.ofPlatform().daemon().name("baresip-" + name)
                .start(() -> pump(process.getInputStream(), dir.resolve("baresip.log")));
        // ctrl_tcp listening means the configuration was read and the modules loaded.
        if (!Await.within(() -> ctrlReachable() || !process.isAlive(), Duration.ofSeconds(10)) || !process.isAlive()) {
            String tail = logTail();
            close();
            fail("baresip '" + name + "' did not start (log " + log() + "):\n" + tail);
        }
    }

    public static Builder builder(String name, Path workRoot) {
        return new Builder(name, workRoot);
    }

    private String config(Builder b) {
        String modules = String.join("\n",
                "module g711.so", "module g722.so", "module opus.so",
                "module ausine.so", "module aubridge.so", "module sndfile.so",
                "module_app account.so", "module_app menu.so", "module_app ctrl_tcp.so")
                + (b.mediaenc != null ? "\nmodule srtp.so" : "");
        return String.join("\n",
                "# generated by BaresipPhone for test phone '" + name + "'",
                "poll_method epoll",
                "sip_listen 127.0.0.1:" + sipPort,
                // Keeps SIP, SDP addresses and RTP on loopback.
                "net_interface 127.0.0.1",
                "rtp_ports 30000-39999",
                // No sound card: a null player still runs the receive path (and sndfile records it).
                "audio_player aubridge,null-" + name,
                "audio_alert aubridge,null-" + name,
                "audio_source ausine," + b.toneHz,
                // ausine only runs at 48 kHz stereo.
                "ausrc_srate 48000",
                "ausrc_channels 2",
                "module_path /usr/lib/baresip/modules",
                modules,
                "ctrl_tcp_listen 127.0.0.1:" + ctrlPort,
                // Relative to the working directory: sndfile truncates long paths (fixed buffer in 1.0).
                "snd_path .",
                // The CA (our test certificate) the TLS transport trusts; TLS listens on sip_listen's port + 1.
                b.tlsCaFile != null ? "sip_cafile " + b.tlsCaFile : "",
                // Its own certificate and key (one PEM file), to accept TLS connections.
                b.tlsCertificate != null ? "sip_certificate " + b.tlsCertificate : "",
                "");
    }

    private String account(Builder b) {
        StringBuilder sb = new StringBuilder("<sip:" + name + "@127.0.0.1:" + sipPort + ">;regint=0");
        if (b.autoAnswer) {
            sb.append(";answermode=auto");
        }
        if (b.codec != null) {
            sb.append(";audio_codecs=").append(b.codec.baresipName());
        }
        if (b.mediaenc != null) {
            sb.append(";mediaenc=").append(b.mediaenc);
        }
        return sb.toString();
    }

    private void pump(InputStream in, Path logFile) {
        try (in; OutputStream log = Files.newOutputStream(logFile)) {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n' || c == '\r') {
                    onLine(line.toString(), log);
                    line.setLength(0);
                } else {
                    line.append((char) c);
                }
            }
            onLine(line.toString(), log);
        } catch (IOException e) {
            // process gone; the log has what there was
        }
    }

    private void onLine(String raw, OutputStream log) throws IOException {
        String line = STATUS.matcher(raw).replaceAll("").strip();
        if (line.isEmpty()) {
            return;
        }
        log.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        log.flush();
        if (line.startsWith("sndfile: dumping decode audio") && recordingStartNanos == 0) {
            recordingStartNanos = System.nanoTime();
        }
        if (line.contains("Call established")) {
            established.incrementAndGet();
            localHangupPending = false;
        } else if (line.contains("call: terminate call ")) {
            // We hung up (ctrl_tcp hangup). baresip 1.0 may or may not print "Call with ... terminated"
            // afterwards; count the call once.
            closed.incrementAndGet();
            localHangupPending = true;
        } else if (line.contains(": Call with ") && line.contains(" terminated")) {
            // the other side, an error or our own hang-up ended the call
            if (!localHangupPending) {
                closed.incrementAndGet();
            }
            localHangupPending = false;
        }
        Matcher k = DTMF_RECEIVED.matcher(line);
        if (k.find()) {
            dtmfReceived.append(k.group(1) != null ? k.group(1) : k.group(2));
        }
        Matcher d = DECODER.matcher(line);
        if (d.find()) {
            decoder.set(d.group(1));
        }
        Matcher m = CLOSED_REASON.matcher(line);
        if (m.find()) {
            closeReason.set(m.group(1));
            // A call refused before it was answered (e.g. 503 after early media) prints no
            // "Call with ... terminated": its "session closed" is its end.
            if (established.get() == closed.get() && !localHangupPending) {
                closed.incrementAndGet();
            }
        }
    }

    private boolean ctrlReachable() {
        try (var s = new java.net.Socket("127.0.0.1", ctrlPort)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public String name() {
        return name;
    }

    /** This phone's own address, for calling it directly. */
    public String sipUri() {
        return "sip:" + name + "@127.0.0.1:" + sipPort;
    }

    /** Where it accepts SIP over TLS when it has a certificate: baresip binds the SIP port + 1. */
    public int tlsPort() {
        return sipPort + 1;
    }

    public int sipPort() {
        return sipPort;
    }

    public Path dir() {
        return dir;
    }

    public Path log() {
        return dir.resolve("baresip.log");
    }

    public CallState callState() {
        if (closed.get() > 0) {
            return CallState.CLOSED;
        }
        return established.get() > 0 ? CallState.ESTABLISHED : CallState.IDLE;
    }

    /** Calls established so far (a call to a phone counts once on each side). */
    public int establishedCalls() {
        return established.get();
    }

    /** Calls ended so far, by either side. */
    public int closedCalls() {
        return closed.get();
    }

    /** Codec of the last call as baresip set its decoder: "PCMU", "PCMA", "G722", "opus"; "" before. */
    public String negotiatedCodec() {
        return decoder.get();
    }

    /** Reason baresip printed for the last ended call, e.g. "Connection reset by user". */
    public String lastCloseReason() {
        return closeReason.get();
    }

    public void awaitEstablished(Duration timeout) {
        Await.until(() -> established.get() > 0, timeout,
                () -> "phone '" + name + "' call not established (" + closeReason.get() + "); log:\n" + logTail());
    }

    public void awaitClosed(Duration timeout) {
        Await.until(() -> closed.get() > 0, timeout,
                () -> "phone '" + name + "' call did not end; log:\n" + logTail());
    }

    /** Places a call through ctrl_tcp (the {@code -e} option of the builder does it at start). */
    public void dial(String uri) {
        send("dial", uri);
    }

    /** Types DTMF digits in the current call (ctrl_tcp sndcode: RFC 4733 events when negotiated). */
    public void sendDtmf(String digits) {
        send("sndcode", digits);
    }

    /** The DTMF digits this phone received so far, in order. */
    public String dtmfReceived() {
        return dtmfReceived.toString();
    }

    /** Hangs up the current call through ctrl_tcp: baresip sends BYE. */
    public void hangup() {
        send("hangup", "");
    }

    private JsonNode send(String command, String params) {
        try {
            JsonNode r = ctrl.command(command, params, Duration.ofSeconds(5));
            if (!r.path("ok").asBoolean(false)) {
                fail("phone '" + name + "': ctrl_tcp " + command + " failed: " + r);
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException("phone '" + name + "': ctrl_tcp " + command, e);
        }
    }

    /**
     * What this phone heard: the newest {@code *-dec.wav} sndfile wrote. Quit the phone first so the
     * WAV header is complete.
     */
    public Path recording() {
        try (Stream<Path> files = Files.list(dir)) {
            Optional<Path> newest = files.filter(p -> p.getFileName().toString().endsWith("-dec.wav"))
                    .max(Comparator.comparing(p -> p.getFileName().toString()));
            return newest.orElseGet(() -> fail("phone '" + name + "' recorded nothing (no *-dec.wav in "
                    + dir + "); log:\n" + logTail()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The part of the recording between two {@link System#nanoTime()} instants, e.g. the seconds
     * when everybody was in the room. Quit the phone first.
     */
    public WavFile recordingBetween(long fromNanos, long toNanos) throws IOException {
        if (recordingStartNanos == 0) {
            fail("phone '" + name + "' never started recording; log:\n" + logTail());
        }
        WavFile all = WavFile.read(recording());
        return all.window((fromNanos - recordingStartNanos) / 1e9, (toNanos - recordingStartNanos) / 1e9);
    }

    /** Quits baresip (ctrl_tcp, then SIGTERM, then SIGKILL) and reads what it received. */
    public WavFile stopAndReadRecording() throws IOException {
        close();
        return WavFile.read(recording());
    }

    /** Last lines of the log, for failure messages. */
    public String logTail() {
        return LogTail.of(log(), 40, "log");
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Stops baresip cleanly when it can (so recordings are finalised), forcibly otherwise. Idempotent. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                try {
                    ctrl.command("quit", "", Duration.ofSeconds(2));
                } catch (IOException e) {
                    // not answering: fall through to signals
                }
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroy();
                    if (!process.waitFor(3, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                        process.waitFor(3, TimeUnit.SECONDS);
                    }
                }
            }
            outputPump.join(2000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            LIVE.remove(process);
        }
    }

    @Override
    public String toString() {
        return "BaresipPhone[" + name + " " + sipUri() + ", " + callState() + "]";
    }

    /** Options for one phone. */
    public static final class Builder {
        private final String name;
        private final Path workRoot;
        private int toneHz = 440;
        private Codec codec;
        private boolean autoAnswer;
        private String dialUri;
        private Duration lifetime = Duration.ofSeconds(120);
        private String mediaenc;
        private Path tlsCaFile;
        private Path tlsCertificate;

        private Builder(String name, Path workRoot) {
            if (!name.matches("[a-zA-Z0-9_-]+")) {
                throw new IllegalArgumentException("phone name must be a plain SIP user: " + name);
            }
            this.name = name;
            this.workRoot = workRoot;
        }

        /** Frequency of the sine this phone sends. */
        public Builder tone(int hz) {
            this.toneHz = hz;
            return this;
        }

        /** Offer and accept only this codec (default: all of PCMU, PCMA, G722, opus). */
        public Builder codec(Codec codec) {
            this.codec = codec;
            return this;
        }

        /** Answer incoming calls at once (account parameter answermode=auto). */
        public Builder autoAnswer() {
            this.autoAnswer = true;
            return this;
        }

        /** Call this URI as soon as baresip is up ({@code -e "/dial uri"}). */
        public Builder calling(String uri) {
            this.dialUri = uri;
            return this;
        }

        /** Media encryption (account parameter mediaenc): "srtp-mand" offers RTP/SAVP with a=crypto only. */
        public Builder mediaenc(String mediaenc) {
            this.mediaenc = mediaenc;
            return this;
        }

        /** Trust this PEM certificate (CA file) for SIP over TLS (config sip_cafile). */
        public Builder trustingTls(Path caFile) {
            this.tlsCaFile = caFile;
            return this;
        }

        /** Accept SIP over TLS with this certificate and key (one PEM file; config sip_certificate). */
        public Builder tlsCertificate(Path certAndKey) {
            this.tlsCertificate = certAndKey;
            return this;
        }

        /** baresip quits by itself after this long ({@code -t}), a guard against leaks. */
        public Builder lifetime(Duration lifetime) {
            this.lifetime = lifetime;
            return this;
        }

        public BaresipPhone start() throws IOException {
            return new BaresipPhone(this);
        }
    }
}

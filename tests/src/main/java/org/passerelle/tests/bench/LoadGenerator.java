package org.passerelle.tests.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sdp.MediaDescription;
import javax.sdp.SdpFactory;
import javax.sdp.SessionDescription;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * The call generator of the load harness, run in its own JVM so its CPU is measured apart from
 * the gateway's. It places {@code --calls} PCMU calls at {@code --rate} calls per second into
 * {@code --rooms} rooms of the gateway at {@code --target} (SIP over UDP with JAIN-SIP), sends
 * 20 ms RTP on each from one sender thread, measures the RTP coming back on one receiver thread
 * (loss and jitter per RFC 3550 §A.1/§A.8, first audio, the talker's burst onsets for the added
 * latency), holds the calls {@code --seconds}, hangs up and writes its figures as JSON to
 * {@code --out}.
 *
 * <p>It tells the harness where it is by lines on stdout: {@code READY}, {@code SETUP_DONE},
 * {@code HOLD_DONE}, {@code DONE}; the harness samples the gateway's CPU and memory in between.
 */
public final class LoadGenerator implements SipListener {
    /** One room's shared measures: when its talker's last burst left, and the latencies seen. */
    static final class Room {
        volatile long burstSentNanos;
        final Percentiles latencies = new Percentiles();
        /** The same, only those seen in the second half of the hold: the steady state. */
        final Percentiles lateLatencies = new Percentiles();
    }

    private final String targetHost;
    private final int targetPort;
    private final int calls;
    private final int rooms;
    private final double rate;
    private final int seconds;
    private final Path out;
    private final String roomPrefix;
    /** What is dialled for room i (String.format with i), e.g. a LiveKit SIP trunk's number; null: the room's name. */
    private final String dialFormat;
    /** LiveKit load: the SFU's URL and keys and the talker script; null for embedded rooms. */
    private final String livekitUrl;
    private final String livekitKey;
    private final String livekitSecret;
    private final Path talkerScript;
    private LiveKitTalkers talkers;
    private double talkersCpuHold;

    private SipStack stack;
    private SipProvider provider;
    private AddressFactory addresses;
    private HeaderFactory headers;
    private MessageFactory messages;
    private int localSipPort;

    private final List<GeneratorCall> all = new ArrayList<>();
    private final Map<String, GeneratorCall> byCallId = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<GeneratorCall> sending = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<GeneratorCall> toRegister = new ConcurrentLinkedQueue<>();
    private final CountDownLatch finals;
    private final CountDownLatch byeAnswers;
    private final Map<Integer, Integer> failures = new TreeMap<>();
    private final Percentiles inviteToOk = new Percentiles();
    private volatile boolean holding;
    /** When the second half of the hold starts (System.nanoTime), 0 before the hold. */
    static volatile long holdSecondHalfNanos;
    private volatile boolean running = true;
    private Selector selector;
    private long firstInviteNanos;
    private volatile long lastOkNanos;

    private LoadGenerator(Map<String, String> o) {
        String[] target = o.get("target").split(":");
        targetHost = target[0];
        targetPort = Integer.parseInt(target[1]);
        calls = Integer.parseInt(o.get("calls"));
        rooms = Integer.parseInt(o.get("rooms"));
        rate = Double.parseDouble(o.get("rate"));
        seconds = Integer.parseInt(o.get("seconds"));
        out = Path.of(o.get("out"));
        roomPrefix = o.getOrDefault("room-prefix", "load");
        dialFormat = o.get("dial-format");
        localSipPort = Integer.parseInt(o.get("sip-port"));
        livekitUrl = o.get("livekit-url");
        livekitKey = o.get("livekit-key");
        livekitSecret = o.get("livekit-secret");
        talkerScript = o.containsKey("talker-script") ? Path.of(o.get("talker-script")) : null;
        finals = new CountDownLatch(calls);
        byeAnswers = new CountDownLatch(calls);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        try {
            new LoadGenerator(o).run();
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private void run() throws Exception {
        startSip();
        warmUpOwnStack();
        selector = Selector.open();
        Room[] roomStats = new Room[rooms];
        for (int r = 0; r < rooms; r++) roomStats[r] = new Room();
        for (int i = 0; i < calls; i++) {
            int r = i % rooms;
            // The first call of each room is its talker; on LiveKit a room's talker is a LiveKit
            // participant (so its audio crosses the SFU) and every call listens.
            all.add(new GeneratorCall(i, roomPrefix + "-" + r, livekitUrl == null && i < rooms, roomStats[r]));
        }
        if (livekitUrl != null) {
            talkers = new LiveKitTalkers(livekitUrl, livekitKey, livekitSecret, talkerScript, roomPrefix, roomStats,
                    out.toAbsolutePath().getParent());
            if (!talkers.awaitPublished(60)) throw new IllegalStateException("LiveKit talkers did not publish within 60 s");
        }
        Thread receiver = Thread.ofPlatform().name("rtp-receiver").start(this::receiveLoop);
        Thread sender = Thread.ofPlatform().name("rtp-sender").start(this::sendLoop);
        say("READY");

        // Setup at the requested rate, on an absolute schedule.
        long start = System.nanoTime();
        firstInviteNanos = start;
        long interval = (long) (1e9 / rate);
        for (int i = 0; i < calls; i++) {
            long due = start + i * interval;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
            invite(all.get(i));
        }
        // JAIN-SIP's timer B ends an unanswered INVITE after 32 s.
        finals.await(40, TimeUnit.SECONDS);
        long setupEnd = System.nanoTime();
        say("SETUP_DONE");

        holding = true;
        double talkersCpuStart = talkers != null ? talkers.cpuSeconds() : 0;
        long holdStart = System.nanoTime();
        long holdEnd = holdStart + seconds * 1_000_000_000L;
        holdSecondHalfNanos = holdStart + seconds * 500_000_000L;
        long wait;
        while ((wait = holdEnd - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
        holding = false;
        if (talkers != null) talkersCpuHold = talkers.cpuSeconds() - talkersCpuStart;
        double holdSeconds = (System.nanoTime() - holdStart) / 1e9;
        say("HOLD_DONE");

        int byes = 0;
        for (GeneratorCall c : all) {
            if (c.state == GeneratorCall.State.ESTABLISHED) {
                bye(c);
                byes++;
            }
        }
        for (int i = byes; i < calls; i++) byeAnswers.countDown();
        byeAnswers.await(20, TimeUnit.SECONDS);
        if (talkers != null) talkers.close();
        running = false;
        selector.wakeup();
        sender.join(2000);
        receiver.join(2000);
        writeReport(roomStats, setupEnd, holdSeconds);
        for (GeneratorCall c : all) c.close();
        stack.stop();
        say("DONE");
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    // ---- SIP (JAIN-SIP) ----

    private void startSip() throws Exception {
        SipFactory f = SipFactory.getInstance();
        f.setPathName("gov.nist");
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", "passerelle-loadgen");
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "on");
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", "org.passerelle.sip.Slf4jStackLogger");
        p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", "org.passerelle.sip.Slf4jServerLogger");
        p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "ERROR");
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "4");
        p.setProperty("gov.nist.javax.sip.MAX_CLIENT_TRANSACTIONS", "10000");
        p.setProperty("gov.nist.javax.sip.MAX_SERVER_TRANSACTIONS", "10000");
        p.setProperty("gov.nist.javax.sip.AGGRESSIVE_CLEANUP", "true");
        stack = f.createSipStack(p);
        addresses = f.createAddressFactory();
        headers = f.createHeaderFactory();
        messages = f.createMessageFactory();
        ListeningPoint lp = stack.createListeningPoint("127.0.0.1", localSipPort, ListeningPoint.UDP);
        provider = stack.createSipProvider(lp);
        provider.addSipListener(this);
        stack.start();
    }

    /** OPTIONS the generator sends to itself before the first INVITE; answered by processRequest. */
    private final CountDownLatch warmUps = new CountDownLatch(WARM_UPS);
    private static final int WARM_UPS = 50;

    /**
     * Runs this generator's own SIP client and server paths (request building, client transaction,
     * sending, parsing the answer) on OPTIONS to itself, so its first INVITEs are not timed with
     * its own class loading and JIT in them. The gateway sees nothing of it.
     */
    private void warmUpOwnStack() throws Exception {
        for (int i = 0; i < WARM_UPS; i++) {
            SipURI me = addresses.createSipURI("warm-up", "127.0.0.1:" + localSipPort);
            Request options = messages.createRequest(me, Request.OPTIONS, provider.getNewCallId(),
                    headers.createCSeqHeader(1L, Request.OPTIONS),
                    headers.createFromHeader(addresses.createAddress(me), "w" + i),
                    headers.createToHeader(addresses.createAddress(me), null),
                    List.of(headers.createViaHeader("127.0.0.1", localSipPort, "udp", null)),
                    headers.createMaxForwardsHeader(70));
            options.setContent("v=0\r\no=load 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                    + "m=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n", headers.createContentTypeHeader("application", "sdp"));
            provider.getNewClientTransaction(options).sendRequest();
            Thread.sleep(2);
        }
        warmUps.await(10, TimeUnit.SECONDS);
        // and the SDP parsing of an answer
        for (int i = 0; i < WARM_UPS; i++) {
            SdpFactory.getInstance().createSessionDescription("v=0\r\no=gw 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
                    + "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 20000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
                    + "a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n").getMediaDescriptions(false);
        }
        // and the response parser: JAIN-SIP hands a message to its own port back without parsing
        // it, so the OPTIONS above never reach it, and its first responses (≈ 90 header-parser
        // classes, ≈ 20 ms) would be timed as the gateway's INVITE→200 of the first calls.
        for (int i = 0; i < WARM_UPS; i++) {
            ((gov.nist.javax.sip.message.MessageFactoryImpl) messages).createResponse("SIP/2.0 200 OK\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-w" + i + ";rport=5060;received=127.0.0.1\r\n"
                    + "From: <sip:a@127.0.0.1>;tag=a" + i + "\r\nTo: <sip:b@127.0.0.1>;tag=b" + i + "\r\n"
                    + "Call-ID: w" + i + "\r\nCSeq: 1 INVITE\r\nContact: <sip:b@127.0.0.1:5060>\r\n"
                    + "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO\r\nSupported: timer\r\nServer: x\r\n"
                    + "Content-Type: application/sdp\r\nContent-Length: 0\r\n\r\n");
        }
    }

    private void invite(GeneratorCall c) {
        try {
            String user = "load" + c.index;
            String dialled = dialFormat == null ? c.room : String.format(dialFormat, c.index % rooms);
            SipURI requestUri = addresses.createSipURI(dialled, targetHost + ":" + targetPort);
            SipURI me = addresses.createSipURI(user, "127.0.0.1:" + localSipPort);
            Address fromAddress = addresses.createAddress(me);
            fromAddress.setDisplayName("Load " + c.index);
            Address toAddress = addresses.createAddress(addresses.createSipURI(dialled, targetHost + ":" + targetPort));
            CallIdHeader callId = provider.getNewCallId();
            List<ViaHeader> via = List.of(headers.createViaHeader("127.0.0.1", localSipPort, "udp", null));
            Request invite = messages.createRequest(requestUri, Request.INVITE, callId,
                    headers.createCSeqHeader(1L, Request.INVITE),
                    headers.createFromHeader(fromAddress, "t" + Long.toHexString(System.nanoTime())),
                    headers.createToHeader(toAddress, null), via, headers.createMaxForwardsHeader(70));
            invite.addHeader(headers.createContactHeader(addresses.createAddress(me)));
            String sdp = "v=0\r\no=load " + c.index + " 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                    + "m=audio " + c.localRtpPort() + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\n"
                    + "a=sendrecv\r\n";
            invite.setContent(sdp.getBytes(StandardCharsets.US_ASCII), headers.createContentTypeHeader("application", "sdp"));
            ClientTransaction ct = provider.getNewClientTransaction(invite);
            c.callId = callId.getCallId();
            byCallId.put(c.callId, c);
            c.state = GeneratorCall.State.INVITING;
            c.inviteNanos = System.nanoTime();
            ct.sendRequest();
        } catch (Exception e) {
            fail(c, -1);
        }
    }

    private void fail(GeneratorCall c, int code) {
        synchronized (failures) {
            if (c.state == GeneratorCall.State.FAILED) return;
            c.state = GeneratorCall.State.FAILED;
            failures.merge(code, 1, Integer::sum);
        }
        c.failureCode = code;
        finals.countDown();
    }

    private void bye(GeneratorCall c) {
        try {
            c.state = GeneratorCall.State.BYE_SENT;
            Dialog d = c.dialog;
            Request bye = d.createRequest(Request.BYE);
            ClientTransaction ct = provider.getNewClientTransaction(bye);
            d.sendRequest(ct);
        } catch (Exception e) {
            byeAnswers.countDown();
        }
    }

    @Override
    public void processResponse(ResponseEvent event) {
        long now = System.nanoTime();
        Response r = event.getResponse();
        CSeqHeader cseq = (CSeqHeader) r.getHeader(CSeqHeader.NAME);
        int code = r.getStatusCode();
        if (Request.OPTIONS.equals(cseq.getMethod())) {
            warmUps.countDown();
            return;
        }
        CallIdHeader id = (CallIdHeader) r.getHeader(CallIdHeader.NAME);
        GeneratorCall c = id == null ? null : byCallId.get(id.getCallId());
        if (c == null) return;
        if (Request.BYE.equals(cseq.getMethod())) {
            if (code >= 200 && c.state == GeneratorCall.State.BYE_SENT) {
                c.state = GeneratorCall.State.DONE;
                byeAnswers.countDown();
            }
            return;
        }
        if (!Request.INVITE.equals(cseq.getMethod()) || code < 200) return;
        if (code >= 300) {
            fail(c, code);
            return;
        }
        Dialog d = event.getDialog() != null ? event.getDialog()
                : event.getClientTransaction() != null ? event.getClientTransaction().getDialog() : null;
        try {
            if (d != null) d.sendAck(d.createAck(cseq.getSeqNumber())); // also for a retransmitted 200
        } catch (Exception e) {
            // the retransmission timer of the gateway will try again
        }
        if (c.state != GeneratorCall.State.INVITING) return;
        try {
            InetSocketAddress media = answeredMedia(r);
            c.channel.connect(media);
        } catch (Exception e) {
            fail(c, -2);
            return;
        }
        c.dialog = d;
        c.okNanos = now;
        lastOkNanos = now;
        inviteToOk.add(now - c.inviteNanos);
        c.state = GeneratorCall.State.ESTABLISHED;
        toRegister.add(c);
        selector.wakeup();
        sending.add(c);
        finals.countDown();
    }

    /** Where the gateway wants our RTP: the answer's connection address and audio port. */
    private static InetSocketAddress answeredMedia(Response r) throws Exception {
        SessionDescription sd = SdpFactory.getInstance().createSessionDescription(
                new String(r.getRawContent(), StandardCharsets.US_ASCII));
        @SuppressWarnings("unchecked")
        Vector<MediaDescription> media = sd.getMediaDescriptions(false);
        MediaDescription audio = media.get(0);
        String host = audio.getConnection() != null ? audio.getConnection().getAddress()
                : sd.getConnection().getAddress();
        return new InetSocketAddress(host, audio.getMedia().getMediaPort());
    }

    @Override
    public void processRequest(RequestEvent event) {
        Request req = event.getRequest();
        try {
            ServerTransaction st = event.getServerTransaction() != null ? event.getServerTransaction()
                    : provider.getNewServerTransaction(req);
            st.sendResponse(messages.createResponse(Response.OK, req));
        } catch (Exception e) {
            return;
        }
        if (Request.BYE.equals(req.getMethod())) {
            CallIdHeader id = (CallIdHeader) req.getHeader(CallIdHeader.NAME);
            GeneratorCall c = id == null ? null : byCallId.get(id.getCallId());
            if (c != null && c.state == GeneratorCall.State.ESTABLISHED) {
                c.state = GeneratorCall.State.ENDED_BY_GATEWAY;
                sending.remove(c);
            }
        }
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        if (event.isServerTransaction()) return;
        Request req = event.getClientTransaction().getRequest();
        GeneratorCall c = byCallId.get(((CallIdHeader) req.getHeader(CallIdHeader.NAME)).getCallId());
        if (c == null) return;
        if (Request.INVITE.equals(req.getMethod())) fail(c, 408);
        else if (Request.BYE.equals(req.getMethod()) && c.state == GeneratorCall.State.BYE_SENT) {
            c.state = GeneratorCall.State.DONE;
            byeAnswers.countDown();
        }
    }

    @Override public void processIOException(IOExceptionEvent event) { }
    @Override public void processTransactionTerminated(TransactionTerminatedEvent event) { }
    @Override public void processDialogTerminated(DialogTerminatedEvent event) { }

    // ---- RTP ----

    /** One thread sends every call's next packet each 20 ms, on an absolute schedule. */
    private void sendLoop() {
        long next = System.nanoTime();
        while (running) {
            long now = System.nanoTime();
            for (GeneratorCall c : sending) {
                if (c.state == GeneratorCall.State.ESTABLISHED) c.sendFrame(now);
            }
            next += 20_000_000L;
            long wait = next - System.nanoTime();
            if (wait > 0) LockSupport.parkNanos(wait);
            else if (wait < -200_000_000L) next = System.nanoTime(); // far behind: do not burst
        }
    }

    /** One thread reads every call's socket through a selector. */
    private void receiveLoop() {
        ByteBuffer buf = ByteBuffer.allocate(2048);
        try {
            while (running) {
                GeneratorCall reg;
                while ((reg = toRegister.poll()) != null) {
                    reg.channel.register(selector, SelectionKey.OP_READ, reg);
                }
                selector.select(100);
                var keys = selector.selectedKeys();
                for (SelectionKey k : keys) {
                    GeneratorCall c = (GeneratorCall) k.attachment();
                    DatagramChannel ch = c.channel;
                    while (true) {
                        buf.clear();
                        try {
                            if (ch.receive(buf) == null) break;
                        } catch (IOException e) {
                            break;
                        }
                        buf.flip();
                        c.onRtp(buf, System.nanoTime(), holding);
                    }
                }
                keys.clear();
            }
        } catch (IOException e) {
            System.err.println("receiver stopped: " + e);
        }
    }

    // ---- report ----

    private void writeReport(Room[] roomStats, long setupEnd, double holdSeconds) throws IOException {
        int established = 0, endedByGateway = 0, withAudio = 0;
        long expected = 0, lost = 0, received = 0, receivedInHold = 0, sent = 0, burstRestarts = 0;
        Percentiles firstAudio = new Percentiles();
        Percentiles jitter = new Percentiles();
        double jitterSum = 0;
        for (GeneratorCall c : all) {
            if (c.okNanos == 0) continue;
            established++;
            if (c.state == GeneratorCall.State.ENDED_BY_GATEWAY) endedByGateway++;
            expected += c.expected();
            lost += c.lost();
            received += c.received;
            burstRestarts += c.burstRestarts;
            receivedInHold += c.receivedInHold;
            sent += c.framesSent();
            if (c.firstAudioNanos != 0) {
                withAudio++;
                firstAudio.add(c.firstAudioNanos - c.inviteNanos);
            }
            long j = (long) (c.jitterUnits * 125_000L); // 8 kHz units to nanoseconds
            jitter.add(j);
            jitterSum += j / 1e6;
        }
        Percentiles latency = new Percentiles();
        for (Room r : roomStats) r.latencies.forEach(latency::add);
        Percentiles lateLatency = new Percentiles();
        for (Room r : roomStats) r.lateLatencies.forEach(lateLatency::add);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("callsAttempted", calls);
        m.put("callsEstablished", established);
        m.put("callsFailed", calls - established);
        m.put("failuresByCode", failures);
        m.put("callsEndedByGateway", endedByGateway);
        m.put("rooms", rooms);
        m.put("rateRequested", rate);
        double setupSeconds = (lastOkNanos - firstInviteNanos) / 1e9;
        m.put("setupSeconds", round(setupSeconds));
        m.put("sustainedCallsPerSecond", established > 1 && setupSeconds > 0 ? round((established - 1) / setupSeconds) : null);
        m.put("holdSeconds", round(holdSeconds));
        m.put("inviteTo200Ms", inviteToOk.summary());
        // Per call in INVITE order (-1: no 200): tells the first calls' tail from one spread over the setup.
        List<Double> inOrder = new ArrayList<>();
        for (GeneratorCall c : all) inOrder.add(c.okNanos == 0 ? -1.0 : Math.round((c.okNanos - c.inviteNanos) / 1e5) / 10.0);
        m.put("inviteTo200MsInInviteOrder", inOrder);
        m.put("callsWithAudioBack", withAudio);
        m.put("burstRestartsInHold", burstRestarts);
        m.put("inviteToFirstAudioMs", firstAudio.summary());
        m.put("addedLatencyMs", latency.summary());
        m.put("addedLatencySecondHalfMs", lateLatency.summary());
        // Per room, its median and worst: tells a room-wide delay from a tail within every room.
        List<String> perRoom = new ArrayList<>();
        for (Room r : roomStats) perRoom.add(Percentiles.round(r.latencies.ms(50)) + "/" + Percentiles.round(r.latencies.ms(100)));
        m.put("addedLatencyPerRoomMedianMaxMs", perRoom);
        m.put("packetsSent", sent);
        m.put("packetsReceived", received);
        m.put("packetsExpected", expected);
        m.put("packetsLost", lost);
        m.put("lossPercent", expected > 0 ? round4(100.0 * lost / expected) : null);
        double due = established * holdSeconds * 50;
        m.put("receivedInHoldPercentOfDue", due > 0 ? round(100.0 * receivedInHold / due) : null);
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("mean", round(established > 0 ? jitterSum / established : 0));
        j.put("p99", Percentiles.round(jitter.ms(99)));
        j.put("max", Percentiles.round(jitter.ms(100)));
        m.put("jitterMs", j);
        if (talkers != null) {
            m.put("livekitTalkersCpuSecondsInHold", round(talkersCpuHold));
            m.put("livekitTalkersCoresBusyInHold", round(talkersCpuHold / holdSeconds));
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), m);
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static double round4(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}

package org.passerelle.sip;

import gov.nist.javax.sip.message.MessageFactoryImpl;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.sip.message.Request;
import org.passerelle.sip.rtp.RtpLeg;
import org.passerelle.sip.sdp.LocalDescription;
import org.passerelle.sip.sdp.LocalMedia;
import org.passerelle.sip.sdp.MediaDirection;
import org.passerelle.sip.sdp.Negotiation;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the answering path of an INVITE once at start-up, with nothing sent: parse a typical
 * INVITE with the stack's parser, negotiate its SDP offer and build our answer, build the 100,
 * 180 and 200 responses, open and close an RTP leg on each Netty loop, and send a few datagrams
 * to a socket of our own. The first real
 * calls would otherwise do the class loading and initialisation of all of this on the SIP
 * threads, several at once, each waiting on the others (measured: 10–15 ms per INVITE on the
 * class loader lock, more on the SDP parser's and Netty's first use, INVITE→200 up to 140 ms for
 * the first twenty calls at 100 calls/s). Failures are logged and ignored: calls then pay the
 * cost themselves.
 */
final class SipWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(SipWarmUp.class);
    /** A few rounds: the parsers' paths become warm enough for the interpreter's first profiles. */
    static final int ROUNDS = 20;

    private SipWarmUp() {}

    /** Returns how many rounds went through (for tests). */
    static int run(SipServer server) {
        long start = System.nanoTime();
        int done = 0;
        try {
            // Classes of a call that the answering path below does not reach: loaded and linked now.
            for (Class<?> c : List.of(SipCall.class, SipLeg.class, CallState.class, CallEvent.class, SerialExecutor.class)) {
                Class.forName(c.getName(), true, c.getClassLoader());
            }
            // The stack's dialog classes: an INVITE makes a dialog, OPTIONS never does.
            for (String name : DIALOG_CLASSES) preload(name);
            openAndCloseRtpLegs(server);
            datagramsToSelf(server);
            callExecutors(server);
            for (int i = 0; i < ROUNDS; i++) {
                answer(server, i);
                done++;
            }
        } catch (Exception | LinkageError e) {
            LOG.info("SIP warm-up stopped after {} rounds: {}", done, e.toString());
        }
        LOG.debug("SIP warm-up: {} rounds in {} ms", done, (System.nanoTime() - start) / 1_000_000);
        return done;
    }

    private static void answer(SipServer server, int i) throws Exception {
        String sdp = offer(i);
        Request invite = ((MessageFactoryImpl) server.messageFactory).createRequest(invite(i, sdp));
        Negotiation n = server.negotiator.answerOffer(new String(invite.getRawContent(), StandardCharsets.UTF_8));
        if (!(n instanceof Negotiation.Accepted accepted)) throw new IllegalStateException("warm-up offer refused: " + n);
        LocalDescription local = new LocalDescription(new LocalMedia("127.0.0.1", 40000 + 2 * i, 1 + i, 1 + i));
        String answer = local.next(l -> server.negotiator.answer(accepted.plan(), l));
        server.response(100, invite);
        server.response(180, invite);
        var ok = server.response(200, invite);
        ok.setContent(answer.getBytes(StandardCharsets.UTF_8),
                server.headerFactory.createContentTypeHeader("application", "sdp"));
        server.addAllow(ok);
        ok.toString(); // what the transport does to send it
        server.negotiator.offer(local.media(), MediaDirection.SENDRECV);
    }

    /** JAIN-SIP's classes of an INVITE's dialog (loaded by its first INVITE otherwise). */
    private static final List<String> DIALOG_CLASSES = List.of("gov.nist.javax.sip.stack.SIPDialog",
            "gov.nist.javax.sip.stack.SIPDialog$LingerTimer", "gov.nist.javax.sip.stack.SIPDialog$DialogTimerTask",
            "gov.nist.javax.sip.stack.SIPDialog$EarlyStateTimerTask", "gov.nist.javax.sip.stack.SIPDialog$DialogDeleteTask",
            "gov.nist.javax.sip.stack.SIPDialog$DialogDeleteIfNoAckSentTask",
            "gov.nist.javax.sip.stack.SIPDialog$AckSendingStrategyImpl", "javax.sip.DialogState");

    /** Loads and initialises a class of a library; one that is not there (another version) is skipped. */
    private static void preload(String name) {
        try {
            Class.forName(name, true, SipWarmUp.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            LOG.debug("SIP warm-up: no class {}", name);
        }
    }

    /**
     * A task through a call's serial executor on the call threads, as each INVITE does: the first
     * one started the virtual-thread factory's naming and the per-task executor (several ms on
     * the first INVITE's SIP thread, measured with JFR).
     */
    private static void callExecutors(SipServer server) throws InterruptedException {
        java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(ROUNDS);
        for (int i = 0; i < ROUNDS; i++) new SerialExecutor(server.callThreads).execute(ran::countDown);
        if (!ran.await(1, java.util.concurrent.TimeUnit.SECONDS)) LOG.debug("SIP warm-up: call executors slow to start");
    }

    /**
     * One RTP leg per event loop, opened then closed: Netty starts a loop's thread on its first
     * task, and a call's SIP thread waits for its leg's registration (11 ms for the first ones).
     */
    private static void openAndCloseRtpLegs(SipServer server) throws Exception {
        int loops = 0;
        for (var ignored : server.rtpGroup) loops++;
        RtpPacketPool pool = new RtpPacketPool(2);
        List<RtpLeg> legs = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < loops; i++) {
                legs.add(RtpLeg.open(server.rtpGroup, server.rtpBindAddress, server.rtpPorts, server.clock,
                        server.config.rtpTimeout(), pool, new RtpLeg.Receiver() {
                            @Override public void onAudio(RtpPacket packet) { packet.release(); }
                            @Override public void onTimeout() { }
                        }));
            }
        } finally {
            for (RtpLeg leg : legs) leg.close();
        }
    }

    /**
     * The JDK's datagram send and receive path (JAIN-SIP's UDP transport sends through a
     * {@link DatagramSocket}), on a socket of our own that talks to itself on the bind address.
     */
    private static void datagramsToSelf(SipServer server) throws Exception {
        InetAddress bind = server.rtpBindAddress.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : server.rtpBindAddress;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(bind, 0))) {
            s.setSoTimeout(200);
            byte[] data = new byte[512];
            DatagramPacket out = new DatagramPacket(data, data.length, s.getLocalSocketAddress());
            DatagramPacket in = new DatagramPacket(new byte[2048], 2048);
            for (int i = 0; i < ROUNDS; i++) {
                s.send(out);
                s.receive(in);
            }
        }
    }

    /**
     * Once the stack runs: OPTIONS from a socket of our own to our UDP listening point, answered
     * by the router. This goes through what the answering path above cannot reach (the UDP
     * transport's reader, server transactions, the listener dispatch, sending a response) as an
     * operator's keep-alive would. Returns how many were answered; nothing leaves the host.
     */
    static int optionsToSelf(SipServer server) {
        if (!server.config.transports().stream().anyMatch(t -> t.equalsIgnoreCase("udp"))) return 0;
        long start = System.nanoTime();
        int answered = 0;
        try {
            InetAddress bound = InetAddress.getByName(server.config.bindAddress());
            InetAddress target = bound.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bound;
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(target, 0))) {
                // The first one runs cold: give it time; the whole stays bounded.
                s.setSoTimeout(2000);
                String host = target.getHostAddress().contains(":") ? "[" + target.getHostAddress() + "]" : target.getHostAddress();
                DatagramPacket in = new DatagramPacket(new byte[4096], 4096);
                for (int i = 0; i < ROUNDS; i++) {
                    byte[] req = options(i, host, server.config.port(), s.getLocalPort()).getBytes(StandardCharsets.US_ASCII);
                    s.send(new DatagramPacket(req, req.length, target, server.config.port()));
                    s.receive(in);
                    s.setSoTimeout(500);
                    if (new String(in.getData(), 0, Math.min(in.getLength(), 16), StandardCharsets.US_ASCII).startsWith("SIP/2.0 200")) {
                        answered++;
                    }
                }
            }
        } catch (Exception e) {
            LOG.info("SIP warm-up: OPTIONS to ourselves stopped after {}: {}", answered, e.toString());
        }
        LOG.debug("SIP warm-up: {} OPTIONS answered in {} ms", answered, (System.nanoTime() - start) / 1_000_000);
        return answered;
    }

    private static String options(int i, String host, int port, int localPort) {
        return "OPTIONS sip:" + host + ":" + port + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + host + ":" + localPort + ";branch=z9hG4bK-warm-" + i + "-" + System.nanoTime() + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:warm-up@" + host + ":" + localPort + ">;tag=wo" + i + "\r\n"
                + "To: <sip:" + host + ":" + port + ">\r\n"
                + "Call-ID: warm-up-options-" + i + "-" + System.nanoTime() + "\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Accept: application/sdp\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    /** A phone's offer: each round a different first codec, so every codec's branch is seen. */
    private static String offer(int i) {
        List<String> lines = List.of(
                "m=audio 4000 RTP/AVP 0 8 9 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:9 G722/8000\r\n",
                "m=audio 4000 RTP/AVP 96 9 0 101\r\na=rtpmap:96 opus/48000/2\r\na=fmtp:96 useinbandfec=1\r\na=rtpmap:9 G722/8000\r\na=rtpmap:0 PCMU/8000\r\n",
                "m=audio 4000 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\n");
        return "v=0\r\no=phone " + (1000 + i) + " 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
                + lines.get(i % lines.size())
                + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n";
    }

    private static String invite(int i, String sdp) {
        String tag = "w" + i;
        return "INVITE sip:warm-up@127.0.0.1:5060 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-warm-" + i + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: \"Warm Up\" <sip:+33100000000@192.0.2.10>;tag=" + tag + "\r\n"
                + "To: <sip:warm-up@127.0.0.1>\r\n"
                + "Call-ID: warm-up-" + i + "@192.0.2.10\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Contact: <sip:+33100000000@192.0.2.10:5060>\r\n"
                + "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO\r\n"
                + "Supported: timer, replaces\r\n"
                + "User-Agent: warm-up\r\n"
                + "Content-Type: application/sdp\r\n"
                + "Content-Length: " + sdp.getBytes(StandardCharsets.US_ASCII).length + "\r\n\r\n"
                + sdp;
    }
}

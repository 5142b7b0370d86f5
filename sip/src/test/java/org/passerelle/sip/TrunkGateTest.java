package org.passerelle.sip;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.passerelle.sip.auth.DigestAlgorithm;
import org.passerelle.sip.trunk.Credentials;
import org.passerelle.sip.trunk.InboundTrunk;
import org.passerelle.transcoder.NanoClock;

/**
 * Inbound trunks over real sockets with raw SIP text: source classification, digest challenge and
 * response (UDP and TCP), lockout, per-trunk limits, and DTMF by INFO. Phones bind other loopback addresses
 * (127.0.0.2, ...) to be different sources.
 */
class TrunkGateTest {
    private static final String SDP = RawSipPhone.sdp(40000, "127.0.0.1", "0", "rtpmap:0 PCMU/8000");
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private SipServer server;
    private RecordingHandler handler;
    private int port;

    private void start(boolean directCalls, InboundTrunk... trunks) throws IOException {
        port = SipServerTest.freePort();
        int rtpBase = 20000 + (int) (Math.random() * 20000) & ~1;
        SipConfig config = SipConfig.defaults().withBind("127.0.0.1", port).withRtpPorts(rtpBase, rtpBase + 99)
                .withTrunks(List.of(trunks), List.of(), directCalls);
        handler = new RecordingHandler();
        server = new SipServer(config, handler, NanoClock.SYSTEM, clock);
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private static InboundTrunk secure(String... sources) {
        return new InboundTrunk("secure", List.of(sources), new Credentials("op", "Tr0mb0ne!", "gw.test"), List.of(), 10);
    }

    private static String ruri(String user) {
        return "sip:" + user + "@127.0.0.1";
    }

    private static String invite(RawSipPhone phone, String ruri, int cseq, String extra) {
        return phone.request("INVITE", ruri, null, cseq, extra, "application/sdp", SDP);
    }

    /** All values of a header, in order. */
    private static List<String> headers(String message, String name) {
        Matcher m = Pattern.compile("(?im)^" + Pattern.quote(name) + "\\s*:\\s*(.*?)\\r?$").matcher(RawSipPhone.headers(message));
        List<String> out = new ArrayList<>();
        while (m.find()) out.add(m.group(1).trim());
        return out;
    }

    private static String param(String challenge, String name) {
        Matcher m = Pattern.compile(name + "=\"?([^\",]+)\"?").matcher(challenge);
        assertTrue(m.find(), name + " in " + challenge);
        return m.group(1);
    }

    /** An Authorization answering {@code challenge} as a UAC would (RFC 7616 §3.4). */
    private static String authorization(String challenge, String user, String password, String ruri, String nc) {
        DigestAlgorithm a = DigestAlgorithm.fromToken(param(challenge, "algorithm"));
        String realm = param(challenge, "realm");
        String nonce = param(challenge, "nonce");
        String cnonce = Long.toHexString(System.nanoTime());
        String response = a.response(user, realm, password, "INVITE", ruri, nonce, nc, cnonce, "auth");
        return "Authorization: Digest username=\"" + user + "\", realm=\"" + realm + "\", nonce=\"" + nonce
                + "\", uri=\"" + ruri + "\", response=\"" + response + "\", algorithm=" + a.token()
                + ", qop=auth, nc=" + nc + ", cnonce=\"" + cnonce + "\"\r\n";
    }

    /** INVITE → 401; returns the challenges. */
    private List<String> challenged(RawSipPhone phone, String ruri, int cseq) throws IOException {
        phone.send(invite(phone, ruri, cseq, null));
        String r = phone.awaitResponse(401, "INVITE");
        List<String> challenges = headers(r, "WWW-Authenticate");
        assertEquals(2, challenges.size(), r);
        return challenges;
    }

    @Test
    void unknownSourceGetsTheSame403WhateverTheNumber() throws Exception {
        start(false, secure("10.0.0.0/8"));
        List<String> answers = new ArrayList<>();
        for (String user : List.of("+33142000000", "nobody-" + System.nanoTime())) {
            try (RawSipPhone phone = new RawSipPhone("udp", port)) {
                phone.send(invite(phone, ruri(user), 1, null));
                String r = phone.awaitResponse(403, "INVITE");
                assertNull(phone.anyWithin(Duration.ofMillis(200)), "no 100 Trying or anything else");
                // What differs between two requests anyway: Call-ID, tags, branch, ports, To URI.
                answers.add(r.replaceAll("(?m)^(Via|From|To|Call-ID|CSeq):.*\\r\\n", ""));
            }
        }
        assertEquals(answers.get(0), answers.get(1));
        assertNull(handler.legs.poll(100, TimeUnit.MILLISECONDS));
    }

    @Test
    void unknownSourceWithDirectCallsGoesOnWithoutTrunk() throws Exception {
        start(true, secure("10.0.0.0/8"));
        try (RawSipPhone phone = new RawSipPhone("udp", port)) {
            phone.send(invite(phone, ruri("demo"), 1, "X-Room: blue\r\nSubject: hello\r\n"));
            phone.awaitResponse(200, "INVITE");
            SipLeg leg = handler.awaitLeg();
            assertNull(leg.trunk());
            assertEquals("blue", leg.header("X-Room"));
            assertEquals("hello", leg.header("Subject"));
            assertNull(leg.header("X-Nothing"));
        }
    }

    @Test
    void ipOnlyTrunksMatchFirstToLast() throws Exception {
        InboundTrunk pbx = new InboundTrunk("pbx", List.of("127.0.0.2"), null, List.of(), 10);
        InboundTrunk lab = new InboundTrunk("lab", List.of("127.0.0.0/8"), null, List.of(), 10);
        start(false, pbx, lab);
        for (String[] c : new String[][] {{"127.0.0.2", "pbx"}, {"127.0.0.3", "lab"}}) {
            try (RawSipPhone phone = new RawSipPhone("udp", port, c[0])) {
                phone.send(invite(phone, ruri("demo"), 1, null));
                phone.awaitResponse(200, "INVITE");
                assertEquals(c[1], handler.awaitLeg().trunk(), c[0]);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp", "tcp"})
    void digestChallengeThenCallThroughTheTrunk(String transport) throws Exception {
        start(false, secure("127.0.0.1/32"));
        try (RawSipPhone phone = new RawSipPhone(transport, port)) {
            String ruri = ruri("+33142000000");
            List<String> challenges = challenged(phone, ruri, 1);
            // RFC 8760 §2.4: SHA-256 first, then MD5, both with qop="auth", not stale.
            assertEquals("SHA-256", param(challenges.get(0), "algorithm"));
            assertEquals("MD5", param(challenges.get(1), "algorithm"));
            for (String c : challenges) {
                assertTrue(c.startsWith("Digest "), c);
                assertEquals("gw.test", param(c, "realm"));
                assertEquals("auth", param(c, "qop"));
                assertFalse(c.contains("stale"), c);
            }
            assertNull(handler.legs.poll(100, TimeUnit.MILLISECONDS), "nothing reaches the application before auth");

            phone.send(invite(phone, ruri, 2, authorization(challenges.get(0), "op", "Tr0mb0ne!", ruri, "00000001")));
            phone.awaitResponse(100, "INVITE");
            String ok = phone.awaitResponse(200, "INVITE");
            SipLeg leg = handler.awaitLeg();
            assertEquals("secure", leg.trunk());
            assertEquals("+33142000000", leg.requestUser());
            assertEquals(1, server.activeCalls("secure"));
            phone.send(phone.ack(ok, ruri, 2, null, null));
            assertEquals("established", handler.awaitEvent());
        }
    }

    @Test
    void md5AnswerWorksToo() throws Exception {
        start(false, secure("127.0.0.1"));
        try (RawSipPhone phone = new RawSipPhone("udp", port)) {
            String ruri = ruri("demo");
            List<String> challenges = challenged(phone, ruri, 1);
            phone.send(invite(phone, ruri, 2, authorization(challenges.get(1), "op", "Tr0mb0ne!", ruri, "00000001")));
            phone.awaitResponse(200, "INVITE");
            assertEquals("secure", handler.awaitLeg().trunk());
        }
    }

    @Test
    void wrongPasswordIs403AndCounted() throws Exception {
        start(false, secure("127.0.0.1"));
        try (RawSipPhone phone = new RawSipPhone("udp", port)) {
            String ruri = ruri("demo");
            List<String> challenges = challenged(phone, ruri, 1);
            phone.send(invite(phone, ruri, 2, authorization(challenges.get(0), "op", "trombone", ruri, "00000001")));
            String r = phone.awaitResponse(403, "INVITE");
            assertTrue(headers(r, "WWW-Authenticate").isEmpty(), r);
            assertEquals(1, server.trunkGate.failures.size());
            assertNull(handler.legs.poll(100, TimeUnit.MILLISECONDS));
            assertEquals(0, server.activeCalls());
        }
    }

    @Test
    void credentialsForAnotherRequestUriAreWrong() throws Exception {
        start(false, secure("127.0.0.1"));
        try (RawSipPhone phone = new RawSipPhone("udp", port)) {
            List<String> challenges = challenged(phone, ruri("demo"), 1);
            phone.send(invite(phone, ruri("premium"), 2,
                    authorization(challenges.get(0), "op", "Tr0mb0ne!", ruri("demo"), "00000001")));
            phone.awaitResponse(403, "INVITE");
        }
    }

    @Test
    void staleNonceIsChallengedAgainWithStaleTrue() throws Exception {
        start(false, secure("127.0.0.1"));
        try (RawSipPhone phone = new RawSipPhone("udp", port)) {
            String ruri = ruri("demo");
            List<String> challenges = challenged(phone, ruri, 1);
            clock.advance(TrunkGate.NONCE_LIFETIME.plusSeconds(1));
            phone.send(invite(phone, ruri, 2, authorization(challenges.get(0), "op", "Tr0mb0ne!", ruri, "00000001")));
            String r = phone.awaitResponse(401, "INVITE");
            List<String> again = headers(r, "WWW-Authenticate");
            assertEquals(2, again.size());
            for (String c : again) assertTrue(c.contains("stale=true"), c);
            assertEquals(0, server.trunkGate.failures.size(), "a stale nonce is no failure");
            // The new nonce works without asking the user again.
            phone.send(invite(phone, ruri, 3, authorization(again.get(0), "op", "Tr0mb0ne!", ruri, "00000001")));
            phone.awaitResponse(200, "INVITE");
        }
    }

    @Test
    void lockedOutSourceGets403WithoutChallenge() throws Exception {
        start(false, secure("127.0.0.0/8"));
        String ruri = ruri("demo");
        try (RawSipPhone phone = new RawSipPhone("udp", port, "127.0.0.5")) {
            int cseq = 1;
            for (int i = 0; i < 5; i++) {
                List<String> challenges = challenged(phone, ruri, cseq++);
                phone.send(invite(phone, ruri, cseq++, authorization(challenges.get(0), "op", "guess" + i, ruri, "00000001")));
                phone.awaitResponse(403, "INVITE");
            }
            // Locked: 403 at once, even with the right password.
            phone.send(invite(phone, ruri, cseq++, null));
            String r = phone.awaitResponse(403, "INVITE");
            assertTrue(headers(r, "WWW-Authenticate").isEmpty(), r);
            assertTrue(server.trunkGate.failures.isLocked("127.0.0.5"));
        }
        try (RawSipPhone other = new RawSipPhone("udp", port, "127.0.0.6")) {
            challenged(other, ruri, 1);
        }
        clock.advance(Duration.ofMinutes(15));
        try (RawSipPhone phone = new RawSipPhone("udp", port, "127.0.0.5")) {
            List<String> challenges = challenged(phone, ruri, 1);
            phone.send(invite(phone, ruri, 2, authorization(challenges.get(0), "op", "Tr0mb0ne!", ruri, "00000001")));
            phone.awaitResponse(200, "INVITE");
        }
    }

    @Test
    void replayedAuthorizationIsChallengedNotAccepted() throws Exception {
        start(false, secure("127.0.0.1"));
        String ruri = ruri("demo");
        String auth;
        try (RawSipPhone phone = new RawSipPhone("udp", port)) {
            auth = authorization(challenged(phone, ruri, 1).get(0), "op", "Tr0mb0ne!", ruri, "00000001");
            phone.send(invite(phone, ruri, 2, auth));
            phone.awaitResponse(200, "INVITE");
        }
        try (RawSipPhone replay = new RawSipPhone("udp", port)) {
            replay.send(invite(replay, ruri, 1, auth));
            replay.awaitResponse(401, "INVITE");
        }
    }

    @Test
    void trunkMaxCallsGives503() throws Exception {
        start(false, new InboundTrunk("small", List.of("127.0.0.1"), null, List.of(), 1));
        try (RawSipPhone first = new RawSipPhone("udp", port); RawSipPhone second = new RawSipPhone("udp", port)) {
            first.send(invite(first, ruri("demo"), 1, null));
            String ok = first.awaitResponse(200, "INVITE");
            assertEquals(1, server.activeCalls("small"));
            second.send(invite(second, ruri("demo"), 1, null));
            String r = second.awaitResponse(503, "INVITE");
            assertNotNull(RawSipPhone.header(r, "Retry-After"), r);
            first.send(first.ack(ok, ruri("demo"), 1, null, null));
            assertEquals("established", handler.awaitEvent());
            first.send(first.request("BYE", ruri("demo"), RawSipPhone.toTag(ok), 2, null, null, null));
            first.awaitResponse(200, "BYE");
            handler.awaitEnded();
            assertEquals(0, server.activeCalls("small"));
            second.send(second.request("INVITE", ruri("demo"), null, 2, null, "application/sdp", SDP));
            second.awaitResponse(200, "INVITE");
        }
    }

    @Test
    void dtmfByInfo() throws Exception {
        start(true);
        try (RawSipPhone phone = new RawSipPhone("udp", port)) {
            String ruri = ruri("demo");
            phone.send(invite(phone, ruri, 1, null));
            String ok = phone.awaitResponse(200, "INVITE");
            phone.send(phone.ack(ok, ruri, 1, null, null));
            assertEquals("established", handler.awaitEvent());
            String tag = RawSipPhone.toTag(ok);

            phone.send(phone.request("INFO", ruri, tag, 2, null, "application/dtmf-relay", "Signal=5\r\nDuration=160\r\n"));
            phone.awaitResponse(200, "INFO");
            assertEquals("5:160", handler.dtmf.poll(5, TimeUnit.SECONDS));
            phone.send(phone.request("INFO", ruri, tag, 3, null, "application/dtmf", "#"));
            phone.awaitResponse(200, "INFO");
            assertEquals("#:" + DtmfInfo.DEFAULT_DURATION_MS, handler.dtmf.poll(5, TimeUnit.SECONDS));

            phone.send(phone.request("INFO", ruri, tag, 4, null, "text/plain", "5"));
            String r = phone.awaitResponse(415, "INFO");
            assertEquals(DtmfInfo.ACCEPT, List.of(String.join(",", headers(r, "Accept")).split("\\s*,\\s*")), r);
            phone.send(phone.request("INFO", ruri, tag, 5, null, "application/dtmf-relay", "Signal=Z"));
            phone.awaitResponse(400, "INFO");
            phone.send(phone.request("INFO", ruri, "not-our-tag", 6, null, "application/dtmf", "1"));
            phone.awaitResponse(481, "INFO");
            assertNull(handler.dtmf.poll(200, TimeUnit.MILLISECONDS), "only the two good INFOs gave digits");
        }
        try (RawSipPhone stranger = new RawSipPhone("udp", port)) {
            // Outside any dialog: no To tag, or a Call-ID we do not know (RFC 3261 §12.2.2).
            stranger.send(stranger.request("INFO", ruri("demo"), null, 1, null, "application/dtmf", "1"));
            stranger.awaitResponse(481, "INFO");
            stranger.send(stranger.request("INFO", ruri("demo"), "abc", 2, null, "application/dtmf", "1"));
            stranger.awaitResponse(481, "INFO");
        }
    }
}

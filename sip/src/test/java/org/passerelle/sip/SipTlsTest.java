package org.passerelle.sip;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.sip.tls.TestTls;

/** SIP over TLS (RFC 3261 §26.2) on a real SipServer, with a certificate made at run time. */
class SipTlsTest {
    @TempDir Path dir;
    private SipServer server;
    private RecordingHandler handler;
    private int port;
    private int tlsPort;
    private TestTls tls;

    private void start() throws IOException {
        tls = TestTls.in(dir);
        port = SipServerTest.freePort();
        tlsPort = SipServerTest.freePort();
        int rtpBase = 20000 + (int) (Math.random() * 20000) & ~1;
        SipConfig c = SipConfig.defaults().withBind("127.0.0.1", port).withRtpPorts(rtpBase, rtpBase + 99)
                .withRtpTimeout(Duration.ofSeconds(30)).withTls(tls.config(tlsPort));
        handler = new RecordingHandler();
        server = new SipServer(c, handler);
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    @Test
    void callOverTlsIsAnsweredWithATlsContact() throws Exception {
        start();
        String ruri = "sip:demo@127.0.0.1:" + tlsPort + ";transport=tls";
        try (RawSipPhone phone = new RawSipPhone(tls.client(), tlsPort)) {
            String sdp = RawSipPhone.sdp(40000, "127.0.0.1", "0", "rtpmap:0 PCMU/8000");
            phone.send(phone.request("INVITE", ruri, null, phone.nextCseq(), null, "application/sdp", sdp));
            phone.awaitResponse(100, "INVITE");
            String ok = phone.awaitResponse(200, "INVITE");
            String contact = RawSipPhone.header(ok, "Contact");
            assertTrue(contact.contains("sip:127.0.0.1:" + tlsPort + ";transport=tls"), contact);
            assertTrue(RawSipPhone.body(ok).contains("RTP/AVP 0"), ok);
            SipLeg leg = handler.awaitLeg();
            assertEquals("demo", leg.requestUser());
            phone.send(phone.ack(ok, ruri, 1, null, null));
            assertEquals("established", handler.awaitEvent());
            phone.send(phone.request("BYE", ruri, RawSipPhone.toTag(ok), phone.nextCseq(), null, null, null));
            phone.awaitResponse(200, "BYE");
            assertEquals(SipLeg.EndReason.REMOTE_BYE, handler.awaitEnded());
        }
        // UDP still works beside it.
        try (RawSipPhone phone = new RawSipPhone("udp", port)) {
            phone.send(phone.request("OPTIONS", "sip:127.0.0.1", null, phone.nextCseq(), null, null, null));
            phone.awaitResponse(200, "OPTIONS");
        }
    }

    @Test
    void ourByeGoesBackOnThePhonesConnection() throws Exception {
        start();
        String ruri = "sip:demo@127.0.0.1:" + tlsPort + ";transport=tls";
        try (RawSipPhone phone = new RawSipPhone(tls.client(), tlsPort)) {
            String sdp = RawSipPhone.sdp(40000, "127.0.0.1", "0", "rtpmap:0 PCMU/8000");
            // Like a real phone: its Contact names its listening port, not the connection's
            // ephemeral one, and nothing there accepts our TLS.
            String invite = phone.request("INVITE", ruri, null, phone.nextCseq(), null, "application/sdp", sdp)
                    .replace("127.0.0.1:" + phone.localPort() + ";transport=tls>", "127.0.0.1:9;transport=tls>");
            phone.send(invite);
            String ok = phone.awaitResponse(200, "INVITE");
            SipLeg leg = handler.awaitLeg();
            phone.send(phone.ack(ok, ruri, 1, null, null));
            assertEquals("established", handler.awaitEvent());
            leg.hangup();
            String bye = phone.awaitRequest("BYE");
            assertTrue(bye.startsWith("BYE sip:alice@127.0.0.1:9;transport=tls SIP/2.0"), bye);
            assertEquals(SipLeg.EndReason.LOCAL_HANGUP, handler.awaitEnded());
        }
    }

    @Test
    void sipsRequestUriGetsASipsContact() throws Exception {
        start();
        String ruri = "sips:demo@127.0.0.1:" + tlsPort;
        try (RawSipPhone phone = new RawSipPhone(tls.client(), tlsPort)) {
            String sdp = RawSipPhone.sdp(40000, "127.0.0.1", "0", "rtpmap:0 PCMU/8000");
            phone.send(phone.request("INVITE", ruri, null, phone.nextCseq(), null, "application/sdp", sdp));
            String ok = phone.awaitResponse(200, "INVITE");
            assertTrue(RawSipPhone.header(ok, "Contact").contains("sips:127.0.0.1:" + tlsPort), ok);
            phone.send(phone.ack(ok, ruri, 1, null, null));
            assertEquals("established", handler.awaitEvent());
        }
    }

    private static final String KEY = java.util.Base64.getEncoder().encodeToString(new byte[30]);

    private static String savp(int port) {
        return RawSipPhone.sdp(port, "127.0.0.1", "0", "rtpmap:0 PCMU/8000",
                "crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY).replace("RTP/AVP", "RTP/SAVP");
    }

    @Test
    void savpOverTlsIsAnsweredWithOurCrypto() throws Exception {
        start();
        String ruri = "sip:demo@127.0.0.1:" + tlsPort + ";transport=tls";
        try (RawSipPhone phone = new RawSipPhone(tls.client(), tlsPort)) {
            phone.send(phone.request("INVITE", ruri, null, phone.nextCseq(), null, "application/sdp", savp(40000)));
            String ok = phone.awaitResponse(200, "INVITE");
            String answer = RawSipPhone.body(ok);
            assertTrue(answer.contains("RTP/SAVP 0"), answer);
            assertTrue(answer.matches("(?s).*a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:[A-Za-z0-9+/]{40}\\r\\n.*"), answer);
            assertFalse(answer.contains(KEY), answer);
            phone.send(phone.ack(ok, ruri, 1, null, null));
            assertEquals("established", handler.awaitEvent());
        }
    }

    @Test
    void savpOverUdpIs488WithAWarningAndTheNextCallWorks() throws Exception {
        start();
        try (RawSipPhone phone = new RawSipPhone("udp", port)) {
            phone.send(phone.request("INVITE", "sip:demo@127.0.0.1", null, phone.nextCseq(), null, "application/sdp",
                    savp(40000)));
            String r = phone.awaitResponse(488, "INVITE");
            String warning = RawSipPhone.header(r, "Warning");
            assertTrue(warning.startsWith("302 ") && warning.contains("only over SIP over TLS"), warning);
        }
        try (RawSipPhone phone = new RawSipPhone("udp", port)) {
            String sdp = RawSipPhone.sdp(40000, "127.0.0.1", "0", "rtpmap:0 PCMU/8000");
            phone.send(phone.request("INVITE", "sip:demo@127.0.0.1", null, phone.nextCseq(), null, "application/sdp", sdp));
            String ok = phone.awaitResponse(200, "INVITE");
            assertTrue(RawSipPhone.body(ok).contains("RTP/AVP 0"), ok);
            phone.send(phone.ack(ok, "sip:demo@127.0.0.1", 1, null, null));
            assertEquals("established", handler.awaitEvent());
        }
    }

    @Test
    void tlsOlderThan12IsRefused() throws Exception {
        start();
        assertThrows(SSLHandshakeException.class, () -> new RawSipPhone(tls.client("TLSv1.1"), tlsPort).close());
        // TLS 1.2 alone is fine.
        try (RawSipPhone phone = new RawSipPhone(tls.client("TLSv1.2"), tlsPort)) {
            phone.send(phone.request("OPTIONS", "sip:127.0.0.1", null, phone.nextCseq(), null, null, null));
            phone.awaitResponse(200, "OPTIONS");
        }
    }

    @Test
    void missingCertificateStopsTheStartWithItsName() throws Exception {
        tls = TestTls.in(dir);
        port = SipServerTest.freePort();
        SipConfig c = SipConfig.defaults().withBind("127.0.0.1", port)
                .withTls(new org.passerelle.sip.tls.SipTls(SipServerTest.freePort(), dir.resolve("gone.pem"), tls.privateKey()));
        server = new SipServer(c, new RecordingHandler());
        IOException e = assertThrows(IOException.class, server::start);
        assertTrue(e.getMessage().contains("sip.tls.certificate: " + dir.resolve("gone.pem") + ": no such file"),
                e.getMessage());
        // Nothing left listening: the plain port can be taken again at once.
        server = new SipServer(SipConfig.defaults().withBind("127.0.0.1", port), new RecordingHandler());
        server.start();
    }
}

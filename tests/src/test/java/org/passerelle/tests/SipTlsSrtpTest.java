package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.passerelle.gateway.GatewaySettings;
import org.passerelle.gateway.config.GatewayConfig;
import org.passerelle.sip.tls.SelfSignedCertificate;
import org.passerelle.sip.tls.SipTls;
import org.passerelle.sip.tls.TlsCredentials;

/**
 * A real baresip phone over SIP over TLS with mandatory SDES-SRTP (RTP/SAVP, a=crypto) in an
 * embedded room with a plain phone (UDP, RTP): each hears the other's tone. The certificate is
 * made at run time; baresip trusts it as its CA file.
 */
@Timeout(90)
class SipTlsSrtpTest {
    private Path work;
    private TestGateway gateway;
    private int tlsPort;
    private Path cert;

    @BeforeEach
    void setUp(TestInfo info) throws Exception {
        work = TestDirs.forTest(info);
        RequiredTool.BARESIP.require();
        TlsCredentials c = SelfSignedCertificate.generate("127.0.0.1", List.of("127.0.0.1", "localhost"),
                Duration.ofDays(1));
        cert = work.resolve("gateway-cert.pem");
        Path key = work.resolve("gateway-key.pem");
        SelfSignedCertificate.writePem(c, cert, key);
        tlsPort = FreePorts.udpAndTcp();
        gateway = TestGateway.start(GatewaySettings.defaults().withSipTls(new SipTls(tlsPort, cert, key)));
    }

    @AfterEach
    void tearDown() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private String tlsRoomUri(String room) {
        return "sip:" + room + "@127.0.0.1:" + tlsPort + ";transport=tls";
    }

    @Test
    void srtpPhoneOverTlsAndPlainPhoneHearEachOther() throws Exception {
        List<BaresipPhone> phones = new java.util.ArrayList<>();
        try {
            BaresipPhone alice = BaresipPhone.builder("alice", work).tone(440).mediaenc("srtp-mand")
                    .trustingTls(cert).calling(tlsRoomUri("secure")).start();
            phones.add(alice);
            alice.awaitEstablished(Duration.ofSeconds(10));
            BaresipPhone bob = BaresipPhone.builder("bob", work).tone(1000).calling(gateway.roomUri("secure")).start();
            phones.add(bob);
            bob.awaitEstablished(Duration.ofSeconds(10));
            gateway.awaitParticipants("secure", 2, Duration.ofSeconds(10));
            Await.pause(RoomConversation.SETTLE);
            long from = System.nanoTime();
            Await.pause(RoomConversation.LISTEN);
            long to = System.nanoTime();
            for (BaresipPhone p : phones) {
                assertTrue(p.callState() == BaresipPhone.CallState.ESTABLISHED,
                        p.name() + " lost its call: " + p.lastCloseReason() + "\n" + p.logTail());
            }
            RoomConversation.closeAll(phones);
            String aliceLog = Files.readString(alice.log());
            // baresip's own account of the call: established over TLS, with SRTP (its srtp module).
            assertTrue(aliceLog.contains("Call established: " + tlsRoomUri("secure")), "alice not over TLS:\n"
                    + alice.logTail());
            assertTrue(aliceLog.contains("SRTP is Enabled (cryptosuite=AES_CM_128_HMAC_SHA1_"),
                    "no SRTP in alice's log:\n" + alice.logTail());
            ToneAssertions.hearsOnly(alice, alice.recordingBetween(from, to), 1000, 440);
            ToneAssertions.hearsOnly(bob, bob.recordingBetween(from, to), 440, 1000);
        } finally {
            RoomConversation.closeAll(phones);
        }
        gateway.awaitActiveCalls(0, Duration.ofSeconds(10));
    }

    @Test
    void gatewayHangsUpATlsPhoneOnItsOwnConnection() throws Exception {
        // A dial plan that says "closed" and hangs up: our BYE must reach the phone, which has no
        // certificate to accept a TLS connection of ours, so it goes back on the phone's own.
        gateway.close();
        gateway = TestGateway.start(GatewaySettings.from(org.passerelle.gateway.config.GatewayConfig.parse("t", """
                dialplan:
                  rules:
                    - name: closed
                      play: {prompt: closed, language: en}
                """)).withSipTls(new SipTls(tlsPort, cert, work.resolve("gateway-key.pem"))));
        try (BaresipPhone erin = BaresipPhone.builder("erin", work).tone(440).mediaenc("srtp-mand")
                .trustingTls(cert).calling(tlsRoomUri("anything")).start()) {
            erin.awaitEstablished(Duration.ofSeconds(10));
            // baresip 1.0 reports a BYE as "session closed: Connection reset by peer".
            erin.awaitClosed(Duration.ofSeconds(20));
            String log = Files.readString(erin.log());
            assertTrue(!log.contains("tls: accept error"), "we tried a new TLS connection to the phone:\n"
                    + erin.logTail());
        }
        gateway.awaitActiveCalls(0, Duration.ofSeconds(10));
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpResponse<String> admin(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.gateway().httpPort()
                + path)).timeout(Duration.ofSeconds(5));
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String dialStatus(String id) {
        try {
            return JSON.readTree(admin("GET", "/api/dials/" + id, null).body()).get("status").asText();
        } catch (Exception e) {
            return "?";
        }
    }

    /**
     * Room "board" has alice (plain phone, 440 Hz); the gateway dials desk (1000 Hz, answers by
     * itself) through a trunk over TLS with {@code srtp}; desk accepts TLS with its own
     * certificate, which is the only one the gateway trusts. Both hear each other; our hang-up
     * ends the call. Returns desk's log.
     */
    private String dialOutOverTls(String srtp, String deskMediaenc) throws Exception {
        TlsCredentials deskId = SelfSignedCertificate.generate("desk", List.of("127.0.0.1"), Duration.ofDays(1));
        Path deskCert = work.resolve("desk-cert.pem");
        Path deskKey = work.resolve("desk-key.pem");
        SelfSignedCertificate.writePem(deskId, deskCert, deskKey);
        Path deskBoth = work.resolve("desk-both.pem");
        Files.writeString(deskBoth, Files.readString(deskCert) + Files.readString(deskKey));
        BaresipPhone.Builder deskBuilder = BaresipPhone.builder("desk", work).tone(1000).autoAnswer()
                .tlsCertificate(deskBoth);
        if (deskMediaenc != null) deskBuilder.mediaenc(deskMediaenc);
        try (BaresipPhone desk = deskBuilder.start()) {
            gateway.close();
            gateway = TestGateway.start(GatewaySettings.from(GatewayConfig.parse("t", String.join("\n",
                    "sip:",
                    "  tls: {port: " + tlsPort + ", certificate: " + cert + ", privateKey: "
                            + work.resolve("gateway-key.pem") + ", trustedCertificates: " + deskCert + "}",
                    "trunks:",
                    "  outbound:",
                    "    - name: secure-lab",
                    "      proxy: \"127.0.0.1:" + desk.tlsPort() + "\"",
                    "      transport: tls",
                    "      srtp: " + srtp,
                    ""))));
            try (BaresipPhone alice = BaresipPhone.builder("alice", work).tone(440)
                    .calling(gateway.roomUri("board")).start()) {
                alice.awaitEstablished(Duration.ofSeconds(10));
                gateway.awaitParticipants("board", 1, Duration.ofSeconds(10));
                HttpResponse<String> res = admin("POST", "/api/rooms/board/dial",
                        "{\"to\": \"sip:desk@127.0.0.1:" + desk.tlsPort() + ";transport=tls\"}");
                assertEquals(202, res.statusCode(), res.body());
                JsonNode dial = JSON.readTree(res.body());
                String id = dial.get("id").asText();
                assertEquals("secure-lab", dial.get("trunk").asText());
                Await.until(() -> "ANSWERED".equals(dialStatus(id)), Duration.ofSeconds(15),
                        () -> "not answered (" + dialStatus(id) + "); desk log:\n" + desk.logTail());
                desk.awaitEstablished(Duration.ofSeconds(5));
                gateway.awaitParticipants("board", 2, Duration.ofSeconds(5));
                Await.pause(RoomConversation.SETTLE);
                long from = System.nanoTime();
                Await.pause(RoomConversation.LISTEN);
                long to = System.nanoTime();
                assertEquals(202, admin("DELETE", "/api/dials/" + id, null).statusCode());
                desk.awaitClosed(Duration.ofSeconds(10));
                Await.until(() -> "ENDED".equals(dialStatus(id)), Duration.ofSeconds(10),
                        () -> "the dial-out did not end: " + dialStatus(id));
                alice.close();
                desk.close();
                ToneAssertions.hearsOnly(desk, desk.recordingBetween(from, to), 440, 1000);
                ToneAssertions.hearsOnly(alice, alice.recordingBetween(from, to), 1000, 440);
                String deskLog = Files.readString(desk.log());
                assertTrue(deskLog.contains("Call established"), "desk:\n" + desk.logTail());
                return deskLog;
            }
        }
    }

    @Test
    void dialOutThroughATlsTrunkWithMandatorySrtp() throws Exception {
        String deskLog = dialOutOverTls("mandatory", "srtp-mand");
        assertTrue(deskLog.contains("SRTP is Enabled (cryptosuite=AES_CM_128_HMAC_SHA1_"), "no SRTP at the desk:\n"
                + deskLog);
        gateway.awaitActiveCalls(0, Duration.ofSeconds(10));
    }

    @Test
    void optionalSrtpFallsBackToPlainRtpWithAPhoneWithoutSrtp() throws Exception {
        String deskLog = dialOutOverTls("optional", null);
        assertFalse(deskLog.contains("SRTP is Enabled"), deskLog);
        gateway.awaitActiveCalls(0, Duration.ofSeconds(10));
    }

    @Test
    void srtpOfferOverUdpIs488AndTheNextCallWorks() throws Exception {
        try (BaresipPhone carol = BaresipPhone.builder("carol", work).tone(700).mediaenc("srtp-mand")
                .calling(gateway.roomUri("plain")).start()) {
            carol.awaitClosed(Duration.ofSeconds(10));
            assertTrue(carol.lastCloseReason().contains("488"), "closed with: " + carol.lastCloseReason()
                    + "\n" + carol.logTail());
        }
        gateway.awaitActiveCalls(0, Duration.ofSeconds(10));
        try (BaresipPhone dave = BaresipPhone.builder("dave", work).tone(700).calling(gateway.roomUri("plain")).start()) {
            dave.awaitEstablished(Duration.ofSeconds(10));
            gateway.awaitParticipants("plain", 1, Duration.ofSeconds(10));
        }
    }
}

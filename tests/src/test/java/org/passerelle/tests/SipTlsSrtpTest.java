package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void dialOutThroughATlsTrunkWithMandatorySrtp() throws Exception {
        // The trunk's far end: a baresip that answers by itself over TLS with its own certificate,
        // and takes RTP/SAVP only. The gateway trusts exactly that certificate.
        TlsCredentials deskId = SelfSignedCertificate.generate("desk", List.of("127.0.0.1"), Duration.ofDays(1));
        Path deskCert = work.resolve("desk-cert.pem");
        Path deskKey = work.resolve("desk-key.pem");
        SelfSignedCertificate.writePem(deskId, deskCert, deskKey);
        Path deskBoth = work.resolve("desk-both.pem");
        Files.writeString(deskBoth, Files.readString(deskCert) + Files.readString(deskKey));
        try (BaresipPhone desk = BaresipPhone.builder("desk", work).tone(1000).autoAnswer().mediaenc("srtp-mand")
                .tlsCertificate(deskBoth).start()) {
            gateway.close();
            String yaml = String.join("\n",
                    "sip:",
                    "  tls: {port: " + tlsPort + ", certificate: " + cert + ", privateKey: "
                            + work.resolve("gateway-key.pem") + ", trustedCertificates: " + deskCert + "}",
                    "trunks:",
                    "  outbound:",
                    "    - name: secure-lab",
                    "      proxy: \"127.0.0.1:" + desk.tlsPort() + "\"",
                    "      transport: tls",
                    "      srtp: mandatory",
                    "");
            gateway = TestGateway.start(GatewaySettings.from(org.passerelle.gateway.config.GatewayConfig.parse("t", yaml)));
            try (BaresipPhone alice = BaresipPhone.builder("alice", work).tone(440)
                    .calling(gateway.roomUri("board")).start()) {
                alice.awaitEstablished(Duration.ofSeconds(10));
                gateway.awaitParticipants("board", 1, Duration.ofSeconds(10));
                java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
                var res = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                                + gateway.gateway().httpPort() + "/api/rooms/board/dial"))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"to\": \"sip:desk@127.0.0.1:"
                                + desk.tlsPort() + ";transport=tls\"}"))
                        .header("Content-Type", "application/json").build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertTrue(res.statusCode() == 202, res.body());
                desk.awaitEstablished(Duration.ofSeconds(15));
                gateway.awaitParticipants("board", 2, Duration.ofSeconds(5));
                Await.pause(RoomConversation.SETTLE);
                long from = System.nanoTime();
                Await.pause(RoomConversation.LISTEN);
                long to = System.nanoTime();
                String deskLog = Files.readString(desk.log());
                assertTrue(deskLog.contains("SRTP is Enabled (cryptosuite=AES_CM_128_HMAC_SHA1_"),
                        "no SRTP at the desk:\n" + desk.logTail());
                alice.close();
                desk.close();
                ToneAssertions.hearsOnly(desk, desk.recordingBetween(from, to), 440, 1000);
                ToneAssertions.hearsOnly(alice, alice.recordingBetween(from, to), 1000, 440);
            }
        }
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

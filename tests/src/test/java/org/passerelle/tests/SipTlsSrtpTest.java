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

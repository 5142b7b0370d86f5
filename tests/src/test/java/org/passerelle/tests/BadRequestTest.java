package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Requests the gateway must refuse with the right status, and keep working afterwards. */
@Timeout(60)
class BadRequestTest {
    private Path work;
    private TestGateway gateway;

    @BeforeEach
    void setUp(TestInfo info) throws Exception {
        work = TestDirs.forTest(info);
        RequiredTool.SIPP.require();
        gateway = TestGateway.start();
    }

    @AfterEach
    void tearDown() {
        if (gateway != null) {
            gateway.close();
        }
    }

    /** Which header of an otherwise fine INVITE is broken. */
    enum Breakage { CSEQ_WITHOUT_NUMBER, GARBAGE_VIA }

    /**
     * A malformed INVITE gets 400 (RFC 3261 21.4.1) when the gateway can still tell where to answer,
     * or no answer at all; never anything else. Then a well-formed call still works.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Breakage.class)
    void malformedInviteGets400OrNothingAndTheGatewayStillWorks(Breakage breakage) throws Exception {
        List<String> answers = sendRaw(malformedInvite(breakage), Duration.ofSeconds(2));
        for (String answer : answers) {
            assertTrue(answer.startsWith("SIP/2.0 400"), "answer to a malformed INVITE (" + breakage + "):\n" + answer);
        }
        assertEquals(0, gateway.gateway().activeCalls(), "a malformed INVITE made a call");

        SippResult call = SippRunner.scenario("uac_call.xml", gateway.sipPort(), work.resolve("call"))
                .room("afterwards").timeout(Duration.ofSeconds(20)).run();
        assertTrue(call.passed(), "a good call after the malformed INVITE failed: " + call.describe());
        gateway.awaitActiveCalls(0, Duration.ofSeconds(5));
    }

    @Test
    void invalidRoomNameGets404() {
        SippResult result = SippRunner.scenario("uac_expect_404.xml", gateway.sipPort(), work)
                .room("bad%20name").timeout(Duration.ofSeconds(15)).run();
        assertTrue(result.passed(), result.describe());
        assertEquals(0, gateway.gateway().activeCalls());
        assertTrue(gateway.gateway().roomNames().isEmpty(), "rooms: " + gateway.gateway().roomNames());
    }

    @Test
    void offerWithOnlyAnUnknownCodecGets488() {
        SippResult result = SippRunner.scenario("uac_gsm_only_expect_488.xml", gateway.sipPort(), work)
                .room("demo").timeout(Duration.ofSeconds(15)).run();
        assertTrue(result.passed(), result.describe());
        assertEquals(0, gateway.gateway().activeCalls());
        assertEquals(0, gateway.gateway().participantCount("demo"));
    }

    private String malformedInvite(Breakage breakage) {
        int port = gateway.sipPort();
        String body = String.join("\r\n",
                "v=0", "o=raw 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0",
                "m=audio 49170 RTP/AVP 0", "a=rtpmap:0 PCMU/8000", "");
        String via = breakage == Breakage.GARBAGE_VIA
                ? "Via: ###garbage### ;;;branch"
                : "Via: SIP/2.0/UDP 127.0.0.1:%LOCAL%;branch=z9hG4bK-raw-" + System.nanoTime();
        String cseq = breakage == Breakage.CSEQ_WITHOUT_NUMBER ? "CSeq: INVITE" : "CSeq: 1 INVITE";
        return String.join("\r\n",
                "INVITE sip:demo@127.0.0.1:" + port + " SIP/2.0",
                via,
                "From: <sip:raw@127.0.0.1>;tag=raw1",
                "To: <sip:demo@127.0.0.1:" + port + ">",
                "Call-ID: raw-" + System.nanoTime() + "@127.0.0.1",
                cseq,
                "Contact: <sip:raw@127.0.0.1:%LOCAL%>",
                "Max-Forwards: 70",
                "Content-Type: application/sdp",
                "Content-Length: " + body.getBytes(StandardCharsets.US_ASCII).length,
                "",
                body);
    }

    /** Sends one datagram to the gateway and collects every answer for {@code wait}. */
    private List<String> sendRaw(String message, Duration wait) throws Exception {
        List<String> answers = new ArrayList<>();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            byte[] bytes = message.replace("%LOCAL%", Integer.toString(socket.getLocalPort()))
                    .getBytes(StandardCharsets.US_ASCII);
            socket.send(new DatagramPacket(bytes, bytes.length,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), gateway.sipPort())));
            long deadline = System.nanoTime() + wait.toNanos();
            byte[] buf = new byte[65536];
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return answers;
                }
                socket.setSoTimeout((int) left);
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    return answers;
                }
                answers.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII));
            }
        }
    }
}

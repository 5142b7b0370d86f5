package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.passerelle.gateway.GatewaySettings;
import org.passerelle.gateway.config.GatewayConfig;

/**
 * Dial-out through the admin API: the gateway calls a baresip phone that answers by itself, and
 * the phone and a caller already in the room hear each other.
 */
@Timeout(90)
class DialOutTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private Path work;
    private TestGateway gateway;
    private BaresipPhone desk;

    @BeforeEach
    void setUp(TestInfo info) throws Exception {
        work = TestDirs.forTest(info);
        RequiredTool.BARESIP.require();
        desk = BaresipPhone.builder("desk", work).tone(1000).autoAnswer().start();
        // The outbound trunk's proxy is the desk phone itself, as a PBX would be.
        GatewaySettings settings = GatewaySettings.from(GatewayConfig.parse("test", """
                trunks:
                  outbound:
                    - name: lab
                      proxy: "127.0.0.1:%d"
                      prefixes: ["+33"]
                """.formatted(desk.sipPort())));
        gateway = TestGateway.start(settings);
    }

    @AfterEach
    void tearDown() {
        if (desk != null) desk.close();
        if (gateway != null) gateway.close();
    }

    private HttpResponse<String> request(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.gateway().httpPort() + path))
                .timeout(Duration.ofSeconds(5));
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String status(String id) throws Exception {
        return JSON.readTree(request("GET", "/api/dials/" + id, null).body()).get("status").asText();
    }

    @Test
    void aDialledPhoneAnswersAndTalksWithTheRoom() throws Exception {
        try (BaresipPhone alice = BaresipPhone.builder("alice", work).tone(440)
                .calling(gateway.roomUri("board")).start()) {
            alice.awaitEstablished(Duration.ofSeconds(10));
            gateway.awaitParticipants("board", 1, Duration.ofSeconds(10));

            HttpResponse<String> res = request("POST", "/api/rooms/board/dial",
                    "{\"to\": \"sip:desk@127.0.0.1:" + desk.sipPort() + "\"}");
            assertEquals(202, res.statusCode(), res.body());
            JsonNode dial = JSON.readTree(res.body());
            String id = dial.get("id").asText();
            assertEquals("lab", dial.get("trunk").asText());

            Await.until(() -> {
                try {
                    return "ANSWERED".equals(status(id));
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofSeconds(15), () -> "the dial-out was not answered; desk log:\n" + desk.logTail());
            desk.awaitEstablished(Duration.ofSeconds(5));
            gateway.awaitParticipants("board", 2, Duration.ofSeconds(5));

            Await.pause(Duration.ofSeconds(2));
            long from = System.nanoTime();
            Await.pause(Duration.ofSeconds(3));
            long to = System.nanoTime();

            assertEquals(202, request("DELETE", "/api/dials/" + id, null).statusCode());
            desk.awaitClosed(Duration.ofSeconds(10));
            Await.until(() -> {
                try {
                    return "ENDED".equals(status(id));
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofSeconds(10), () -> "the dial-out did not end");
            gateway.awaitParticipants("board", 1, Duration.ofSeconds(5));

            // Recordings are complete once the phones have quit.
            alice.close();
            desk.close();
            ToneAssertions.hearsOnly(desk, desk.recordingBetween(from, to), 440, 1000);
            ToneAssertions.hearsOnly(alice, alice.recordingBetween(from, to), 1000, 440);
        }
    }

    @Test
    void aNumberNoTrunkServesIsRefusedInWords() throws Exception {
        HttpResponse<String> res = request("POST", "/api/rooms/board/dial", "{\"to\": \"+4930123456\"}");
        assertEquals(400, res.statusCode());
        assertEquals("no outbound trunk serves +4930123456", JSON.readTree(res.body()).get("error").asText());
        HttpResponse<String> bad = request("POST", "/api/rooms/board/dial", "not json");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("must be JSON"), bad.body());
    }
}

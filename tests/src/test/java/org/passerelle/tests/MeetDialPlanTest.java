package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.livekit.server.CreateSipDispatchRuleOptions;
import io.livekit.server.SipDispatchRuleDirect;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import livekit.LivekitModels.ParticipantInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.passerelle.gateway.GatewaySettings;
import org.passerelle.gateway.config.GatewayConfig;
import org.passerelle.gateway.livekit.LiveKitDialPlanSource;
import retrofit2.Response;

/**
 * La Suite Meet compatibility (issue 5 §6): Meet's telephony creates, through the LiveKit server's
 * SIP API, an inbound trunk with its number and a direct dispatch rule with the room and a PIN.
 * The gateway reads them (livekit.dialPlan: true): SIPp calls that number and types the PIN, and
 * the LiveKit room API shows the caller in the room; a wrong PIN never gets there and the gateway
 * hangs up.
 */
@Timeout(120)
class MeetDialPlanTest {
    static final String NUMBER = "+33199000000";
    static final String ROOM = "conseil";
    static final String PIN = "123456";
    /** SIPp's From user: the participant is sip_sipp. */
    static final String IDENTITY = "sip_sipp";

    private static LiveKitServer server;
    private static Path work;

    @BeforeAll
    static void startServer() throws IOException {
        RequiredTool.SIPP.require();
        work = Files.createDirectories(TestDirs.root().resolve(MeetDialPlanTest.class.getSimpleName()));
        server = LiveKitServer.start(work);
        // What Meet's telephony does: one inbound trunk with its number, one direct rule per room with a PIN.
        String trunkId = ok(server.sipClient().createSipInboundTrunk("meet", List.of(NUMBER)).execute()).getSipTrunkId();
        CreateSipDispatchRuleOptions options = new CreateSipDispatchRuleOptions();
        options.setName("conseil");
        options.setTrunkIds(List.of(trunkId));
        ok(server.sipClient().createSipDispatchRule(new SipDispatchRuleDirect(ROOM, PIN), options).execute());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
    }

    private TestGateway gateway() throws Exception {
        TestGateway g = TestGateway.start(GatewaySettings.from(GatewayConfig.parse("test", server.gatewayConfig() + "  dialPlan: true\n")));
        LiveKitDialPlanSource source = g.gateway().liveKitDialPlan();
        Await.until(() -> source.state() == LiveKitDialPlanSource.State.FRESH, Duration.ofSeconds(10),
                () -> "the gateway read the LiveKit SIP rules: " + source.lastFailure());
        assertEquals(1, source.current().routes().size(), source.current().routes().toString());
        return g;
    }

    @Test
    void theRightPinJoinsTheMeetRoom(TestInfo info) throws Exception {
        Path dir = TestDirs.forTest(info);
        try (TestGateway gateway = gateway()) {
            // PIN 123456# by RFC 4733 1 s after the answer, then 8 s in the room, then BYE.
            SippRunner.Running sipp = SippRunner.scenario("uac_pin_rfc4733.xml", gateway.sipPort(), dir)
                    .room(NUMBER).key("pin", PIN).timeout(Duration.ofSeconds(40)).start();
            List<String> seen = watchIdentities(sipp);
            SippResult result = sipp.await();
            String facts = result.describe() + "\nparticipants of " + ROOM + " seen: " + seen
                    + "\nLiveKit log: " + server.log();
            assertTrue(result.passed(), facts);
            assertTrue(seen.contains(IDENTITY), "the caller joined LiveKit room " + ROOM + " as " + IDENTITY + "; " + facts);
            gateway.awaitActiveCalls(0, Duration.ofSeconds(10));
        }
    }

    @Test
    void aWrongPinNeverReachesTheRoomAndTheGatewayHangsUp(TestInfo info) throws Exception {
        Path dir = TestDirs.forTest(info);
        try (TestGateway gateway = gateway()) {
            // Types 999999# by SIP INFO every 7 s until the gateway says goodbye and sends BYE.
            SippRunner.Running sipp = SippRunner.scenario("uac_pin_info_until_bye.xml", gateway.sipPort(), dir)
                    .room(NUMBER).timeout(Duration.ofSeconds(45)).start();
            List<String> seen = watchIdentities(sipp);
            SippResult result = sipp.await();
            String facts = result.describe() + "\nparticipants of " + ROOM + " seen: " + seen;
            assertTrue(result.passed(), "no BYE from the gateway after wrong PINs; " + facts);
            assertFalse(seen.contains(IDENTITY), "a wrong PIN let the caller in; " + facts);
            gateway.awaitActiveCalls(0, Duration.ofSeconds(10));
        }
    }

    /** Every participant identity LiveKit lists in the room while SIPp runs (polled every 200 ms). */
    private static List<String> watchIdentities(SippRunner.Running sipp) throws IOException {
        List<String> seen = new ArrayList<>();
        while (sipp.isRunning()) {
            Response<List<ParticipantInfo>> r = server.roomClient().listParticipants(ROOM).execute();
            if (r.isSuccessful() && r.body() != null) {
                for (ParticipantInfo p : r.body()) if (!seen.contains(p.getIdentity())) seen.add(p.getIdentity());
            }
            Await.pause(Duration.ofMillis(200));
        }
        return seen;
    }

    private static <T> T ok(Response<T> response) throws IOException {
        if (!response.isSuccessful()) {
            String body = response.errorBody() != null ? response.errorBody().string() : "";
            throw new AssertionError("LiveKit API: HTTP " + response.code() + " " + body + " (log " + server.log() + ")");
        }
        return response.body();
    }
}

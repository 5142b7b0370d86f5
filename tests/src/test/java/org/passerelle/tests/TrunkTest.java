package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Inbound trunks with real SIPp callers (issue 4 §1, §5): who may call (source addresses), digest
 * challenges, and the numbers (DIDs) a trunk serves routed to rooms by the dial plan.
 */
@Timeout(60)
class TrunkTest {
    private Path work;

    @BeforeEach
    void setUp(TestInfo info) {
        work = TestDirs.forTest(info);
        RequiredTool.SIPP.require();
        RequiredTool.SOX.require();
    }

    /** One trunk that only 127.0.0.2 may use; no direct calls from anywhere else. */
    static final String PARTNER_ONLY = """
            sip:
              directCalls: false
            trunks:
              inbound:
                - name: partner
                  sources: ["127.0.0.2/32"]
            """;

    @Test
    void aSourceNoTrunkAllowsGets403() throws Exception {
        try (TestGateway gateway = TestGateway.start(PARTNER_ONLY)) {
            SippResult result = SippRunner.scenario("uac_expect_403.xml", gateway.sipPort(), work)
                    .room("lobby").localIp("127.0.0.1").timeout(Duration.ofSeconds(15)).run();
            assertTrue(result.passed(), "a call from 127.0.0.1 must get 403; " + result.describe());
            assertEquals(0, gateway.gateway().activeCalls());
            assertEquals(0, gateway.gateway().participantCount("lobby"));
        }
    }

    @Test
    void theTrunksSourceReachesTheRoom() throws Exception {
        try (TestGateway gateway = TestGateway.start(PARTNER_ONLY)) {
            assertCallInRoom(gateway, SippRunner.scenario("uac_call.xml", gateway.sipPort(), work)
                    .room("lobby").localIp("127.0.0.2"), "lobby");
        }
    }

    /** A trunk with digest credentials, from 127.0.0.1 only. */
    static final String PBX_WITH_DIGEST = """
            sip:
              directCalls: false
            trunks:
              inbound:
                - name: pbx
                  sources: ["127.0.0.1/32"]
                  auth: {username: pbx, password: "s3cret-Pa55", realm: passerelle}
            """;

    /**
     * The same trunk for an old UAC: SIPp 3.6.1 (Debian sip-tester) reads only the first
     * WWW-Authenticate and knows only MD5, so the admin narrows the trunk to MD5.
     */
    static final String PBX_WITH_MD5_DIGEST = PBX_WITH_DIGEST.replace("realm: passerelle}",
            "realm: passerelle, algorithms: [MD5]}");

    @Test
    void digestChallengeAnsweredGetsIn() throws Exception {
        try (TestGateway gateway = TestGateway.start(PBX_WITH_MD5_DIGEST)) {
            assertCallInRoom(gateway, SippRunner.scenario("uac_call_auth.xml", gateway.sipPort(), work)
                    .room("lobby").auth("pbx", "s3cret-Pa55"), "lobby");
        }
    }

    /** The 401 offers SHA-256 and MD5 (checked by the scenario); a wrong MD5 answer gets 403. */
    @Test
    void digestWithAWrongPasswordGets403() throws Exception {
        try (TestGateway gateway = TestGateway.start(PBX_WITH_DIGEST)) {
            SippResult result = SippRunner.scenario("uac_auth_expect_403.xml", gateway.sipPort(), work)
                    .room("lobby").key("auth_user", "pbx").timeout(Duration.ofSeconds(15)).run();
            assertTrue(result.passed(), "a wrong digest must get 403; " + result.describe());
            assertEquals(0, gateway.gateway().activeCalls());
        }
    }

    /** An operator trunk serving one DID, which the dial plan sends to room accueil. */
    static final String OPERATOR_DID = """
            sip:
              directCalls: false
            trunks:
              inbound:
                - name: operator
                  sources: ["127.0.0.1/32"]
                  numbers: ["+33142000000"]
            dialplan:
              country: FR
              rules:
                - name: accueil-did
                  match: {trunk: operator, to: "+33142000000"}
                  join: accueil
            """;

    /** The national form (what French operators often send) and E.164 both reach the room. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"0142000000", "+33142000000"})
    void theDidLandsInItsRoom(String called) throws Exception {
        try (TestGateway gateway = TestGateway.start(OPERATOR_DID)) {
            assertCallInRoom(gateway, SippRunner.scenario("uac_call.xml", gateway.sipPort(), work)
                    .room(called), "accueil");
        }
    }

    @Test
    void aNumberTheTrunkDoesNotServeGets404() throws Exception {
        try (TestGateway gateway = TestGateway.start(OPERATOR_DID)) {
            SippResult result = SippRunner.scenario("uac_expect_404.xml", gateway.sipPort(), work)
                    .room("0142000001").timeout(Duration.ofSeconds(15)).run();
            assertTrue(result.passed(), "a call to a number the trunk does not serve must get 404; "
                    + result.describe());
            assertEquals(0, gateway.gateway().activeCalls());
            assertTrue(gateway.gateway().roomNames().isEmpty(), "rooms " + gateway.gateway().roomNames());
        }
    }

    /** Runs uac_call.xml-like scenarios (3 s in the call, then BYE) and checks the caller was in {@code room}. */
    private static void assertCallInRoom(TestGateway gateway, SippRunner runner, String room) {
        SippRunner.Running sipp = runner.timeout(Duration.ofSeconds(20)).start();
        List<GatewayWatch.Sample> timeline = GatewayWatch.whileRunning(gateway, room, sipp::isRunning);
        SippResult result = sipp.await();
        String facts = result.describe() + "\nparticipants in " + room + " over time: "
                + GatewayWatch.describe(timeline);
        assertTrue(result.passed(), facts);
        double inRoom = GatewayWatch.unbrokenSecondsAt(timeline, 1);
        assertTrue(inRoom >= 2, "the caller was in room " + room + " for " + inRoom + " s; " + facts);
        gateway.awaitActiveCalls(0, Duration.ofSeconds(5));
        assertEquals(0, gateway.gateway().participantCount(room), facts);
    }
}

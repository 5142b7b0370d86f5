package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/** Callers leaving: the others stay, the room shrinks, and the last one out closes the room. */
@Timeout(60)
class HangupTest {
    private Path work;
    private TestGateway gateway;

    @BeforeEach
    void setUp(TestInfo info) throws Exception {
        work = TestDirs.forTest(info);
        RequiredTool.BARESIP.require();
        gateway = TestGateway.start();
    }

    @AfterEach
    void tearDown() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void hangingUpLeavesTheOthersAndTheLastOneClosesTheRoom() throws Exception {
        String room = "leaving";
        try (BaresipPhone alice = BaresipPhone.builder("alice", work).tone(440).calling(gateway.roomUri(room)).start();
             BaresipPhone bob = BaresipPhone.builder("bob", work).tone(1000).calling(gateway.roomUri(room)).start()) {
            alice.awaitEstablished(Duration.ofSeconds(10));
            bob.awaitEstablished(Duration.ofSeconds(10));
            gateway.awaitParticipants(room, 2, Duration.ofSeconds(10));
            assertEquals(2, gateway.gateway().activeCalls());
            assertTrue(gateway.gateway().roomNames().contains(room), "rooms: " + gateway.gateway().roomNames());

            alice.hangup(); // baresip sends BYE
            alice.awaitClosed(Duration.ofSeconds(5));
            gateway.awaitParticipants(room, 1, Duration.ofSeconds(5));
            gateway.awaitActiveCalls(1, Duration.ofSeconds(5));
            // Bob's call must not be torn down with Alice's.
            assertFalse(Await.within(() -> bob.closedCalls() > 0, Duration.ofSeconds(2)),
                    "bob's call ended when alice hung up (" + bob.lastCloseReason() + ")");
            assertTrue(gateway.gateway().roomNames().contains(room), "room closed while bob is in it");

            bob.hangup();
            bob.awaitClosed(Duration.ofSeconds(5));
            gateway.awaitParticipants(room, 0, Duration.ofSeconds(5));
            gateway.awaitActiveCalls(0, Duration.ofSeconds(5));
            Await.until(() -> !gateway.gateway().roomNames().contains(room), Duration.ofSeconds(5),
                    () -> "room '" + room + "' still open after the last caller left: " + gateway.gateway().roomNames());
        }
    }

    @Test
    void aRoomNobodyIsInYetCanBeJoined() throws Exception {
        assertFalse(gateway.gateway().roomNames().contains("fresh"));
        try (BaresipPhone alone = BaresipPhone.builder("alone", work).calling(gateway.roomUri("fresh")).start()) {
            alone.awaitEstablished(Duration.ofSeconds(10));
            gateway.awaitParticipants("fresh", 1, Duration.ofSeconds(10));
            assertTrue(gateway.gateway().roomNames().contains("fresh"));
        }
        gateway.awaitActiveCalls(0, Duration.ofSeconds(10));
    }
}

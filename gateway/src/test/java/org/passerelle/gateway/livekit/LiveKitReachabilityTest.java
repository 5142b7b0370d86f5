package org.passerelle.gateway.livekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.passerelle.gateway.media.MediaClock;
import org.passerelle.webrtc.WebRtcConfig;

/**
 * The check made before answering a LiveKit call asks the server only when it has not shown
 * lately that it takes our token: a busy server answers it in ≈ 0.4 s, which every new room's
 * first caller would otherwise wait. A refusal is never remembered as good.
 */
class LiveKitReachabilityTest {
    private static final CallIdentity WHO = new CallIdentity("call-1", "+33100000001", null, null);

    @Test
    void aServerThatAcceptedATokenLatelyIsNotAskedAgain() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        try (FakeLiveKitServer server = new FakeLiveKitServer(); MediaClock clock = new MediaClock()) {
            LiveKitRooms rooms = new LiveKitRooms(config(server), WebRtcConfig.defaults(), clock, false,
                    LiveKitRooms.REJOIN_BOUND, now::get);

            assertNull(rooms.whyUnreachable("salle-a", WHO));
            assertEquals(1, server.validations.get());

            // Another room, a few seconds later: the server just said yes, it is not asked again.
            now.addAndGet(LiveKitRooms.VALIDATED_FOR.toNanos() - 1);
            assertNull(rooms.whyUnreachable("salle-b", WHO));
            assertEquals(1, server.validations.get());

            // Past the window it is asked again; a refusal is said, with the fix...
            now.addAndGet(2);
            server.refuseWith = 401;
            String why = rooms.whyUnreachable("salle-b", WHO);
            assertEquals(2, server.validations.get());
            assertTrue(why != null && why.contains("HTTP 401") && why.contains("livekit.apiSecret"), why);

            // ...and not remembered: the next call asks again, and gets through once the key is fixed.
            server.refuseWith = 0;
            assertNull(rooms.whyUnreachable("salle-b", WHO));
            assertEquals(3, server.validations.get());
            rooms.close();
        }
    }

    @Test
    void checksMadeTogetherShareOneRequest() throws Exception {
        try (FakeLiveKitServer server = new FakeLiveKitServer(); MediaClock clock = new MediaClock()) {
            LiveKitRooms rooms = new LiveKitRooms(config(server), WebRtcConfig.defaults(), clock, false);
            server.holdValidations = true;
            List<CompletableFuture<String>> checks = new ArrayList<>();
            for (int i = 0; i < 5; i++) checks.add(rooms.checkReachable("salle-" + i, WHO));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (server.validations.get() == 0 && System.nanoTime() < deadline) Thread.onSpinWait();
            assertEquals(1, server.validations.get(), "the first check is on its way");
            for (CompletableFuture<String> c : checks) assertFalse(c.isDone(), "every check waits for its answer");
            server.releaseValidations();
            for (CompletableFuture<String> c : checks) assertNull(c.get(5, TimeUnit.SECONDS));
            assertEquals(1, server.validations.get(), "one request answered them all");
            rooms.close();
        }
    }

    @Test
    void theStartUpCheckServesTheFirstCalls() throws Exception {
        try (FakeLiveKitServer server = new FakeLiveKitServer(); MediaClock clock = new MediaClock()) {
            LiveKitRooms rooms = new LiveKitRooms(config(server), WebRtcConfig.defaults(), clock, false);
            assertNull(rooms.checkAtStart().get(5, TimeUnit.SECONDS));
            assertNull(rooms.whyUnreachable("salle-a", WHO));
            assertEquals(1, server.validations.get());
            rooms.close();
        }
    }

    @Test
    void theStartUpCheckNamesTheServerAndTheSecretToFix() throws Exception {
        try (FakeLiveKitServer server = new FakeLiveKitServer(); MediaClock clock = new MediaClock()) {
            server.refuseWith = 401;
            LiveKitRooms rooms = new LiveKitRooms(config(server), WebRtcConfig.defaults(), clock, false);
            String why = rooms.checkAtStart().get(5, TimeUnit.SECONDS);
            assertTrue(why != null && why.contains(server.url().replace("ws:", "http:"))
                    && why.contains("livekit.apiSecret"), why);
            rooms.close();
        }
    }

    private static LiveKitConfig config(FakeLiveKitServer server) {
        return new LiveKitConfig(server.url(), "k", "a-secret-of-at-least-thirty-two-bytes");
    }
}

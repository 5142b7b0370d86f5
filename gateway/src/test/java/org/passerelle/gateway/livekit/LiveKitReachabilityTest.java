package org.passerelle.gateway.livekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
            LiveKitConfig config = new LiveKitConfig(server.url(), "k", "a-secret-of-at-least-thirty-two-bytes");
            LiveKitRooms rooms = new LiveKitRooms(config, WebRtcConfig.defaults(), clock, false,
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
}

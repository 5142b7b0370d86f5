package org.passerelle.gateway.livekit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.passerelle.gateway.media.MediaClock;
import org.passerelle.webrtc.WebRtcConfig;

/**
 * A room's first join (its listener: signal, offer, ICE, DTLS) takes about a second under load;
 * it must hold up only the callers of that room, never calls to other rooms or the check made
 * before answering them. The fake server here never answers the listener's join.
 */
class LiveKitRoomsJoinTest {
    @Test
    void aRoomBeingJoinedHoldsUpOnlyItsOwnCallers() throws Exception {
        FakeLiveKitServer server = new FakeLiveKitServer();
        LiveKitConfig config = new LiveKitConfig(server.url(), "k", "a-secret-of-at-least-thirty-two-bytes");
        try (MediaClock clock = new MediaClock()) {
            LiveKitRooms rooms = new LiveKitRooms(config, WebRtcConfig.defaults(), clock, false);
            CompletableFuture<Object> first = joinAsync(rooms, "salle-a", "call-1");
            server.nextConnection(); // salle-a's listener connects, and is never answered
            CompletableFuture<Object> second = joinAsync(rooms, "salle-a", "call-2");

            // Another room's check before answering is not held behind salle-a's join.
            long t0 = System.nanoTime();
            rooms.whyUnreachable("salle-b", new CallIdentity("call-3", "+33100000003", null, null));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 2000, "check for another room waited " + ms + " ms");

            // The second caller of salle-a waits for the same join: no second listener connects.
            assertNull(server.connections.poll(500, TimeUnit.MILLISECONDS), "one listener per room");
            assertTrue(!first.isDone() && !second.isDone(), "both callers of salle-a wait for its join");

            // The join fails (server gone): both callers are told why, with the room and the server.
            server.close();
            for (CompletableFuture<Object> f : java.util.List.of(first, second)) {
                ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> f.get(20, TimeUnit.SECONDS));
                Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
                assertInstanceOf(LiveKitException.class, cause);
                assertTrue(cause.getMessage().startsWith("cannot join room salle-a on " + server.url()), cause.getMessage());
            }
            rooms.close();
        } finally {
            server.close();
        }
    }

    private static CompletableFuture<Object> joinAsync(LiveKitRooms rooms, String room, String callId) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(rooms.join(room, new CallIdentity(callId, "+33100000001", null, null), null, (how, why) -> { }));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }
}

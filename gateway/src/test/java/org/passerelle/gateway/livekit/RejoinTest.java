package org.passerelle.gateway.livekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RejoinTest {
    private final ManualTimers timers = new ManualTimers();

    /** Records what Rejoin asks and tells; each attempt is a future the test settles. */
    private final class Owner implements Rejoin.Owner {
        final List<CompletableFuture<Object>> attempts = new ArrayList<>();
        final List<Long> attemptTimes = new ArrayList<>();
        Integer rejoined;
        Integer gaveUp;
        String lastError;

        @Override
        public CompletableFuture<?> attempt() {
            CompletableFuture<Object> f = new CompletableFuture<>();
            attempts.add(f);
            attemptTimes.add(timers.now());
            return f;
        }

        @Override
        public void rejoined(int n) {
            rejoined = n;
        }

        @Override
        public void gaveUp(int n, String error) {
            gaveUp = n;
            lastError = error;
        }

        CompletableFuture<Object> last() {
            return attempts.getLast();
        }
    }

    private final Owner owner = new Owner();
    private final Rejoin rejoin = new Rejoin(timers, timers::now, Duration.ofSeconds(20), owner);

    @Test
    void firstAttemptAtOnceAndASuccessEndsIt() {
        assertTrue(rejoin.start());
        timers.advance(Duration.ZERO);
        assertEquals(1, owner.attempts.size());
        owner.last().complete("sid");
        assertEquals(1, owner.rejoined);
        assertFalse(rejoin.running());
        assertEquals(0, timers.pending(), "the attempt's timeout is cancelled");
    }

    @Test
    void failuresAreRetriedWithBackOffUntilOneSucceeds() {
        rejoin.start();
        timers.advance(Duration.ZERO);
        owner.last().completeExceptionally(new RuntimeException("refused"));
        timers.advance(Duration.ofMillis(999));
        assertEquals(1, owner.attempts.size(), "1 s pause after the first failure");
        timers.advance(Duration.ofMillis(1));
        assertEquals(2, owner.attempts.size());
        owner.last().completeExceptionally(new RuntimeException("refused"));
        timers.advance(Duration.ofSeconds(2));
        assertEquals(3, owner.attempts.size());
        owner.last().complete("sid");
        assertEquals(3, owner.rejoined);
        assertNull(owner.gaveUp);
    }

    @Test
    void givesUpOnceTheBoundHasPassed() {
        rejoin.start();
        for (int i = 0; i < 20 && owner.gaveUp == null; i++) {
            timers.advance(Duration.ofSeconds(3));
            if (!owner.last().isDone()) owner.last().completeExceptionally(new RuntimeException("no server " + i));
        }
        assertTrue(owner.gaveUp != null, "gave up");
        assertEquals(owner.attempts.size(), owner.gaveUp);
        assertTrue(owner.lastError.startsWith("no server"), owner.lastError);
        assertTrue(owner.attemptTimes.getLast() < Duration.ofSeconds(20).toNanos(), "no attempt after the bound");
        assertNull(owner.rejoined);
        assertFalse(rejoin.running());
    }

    @Test
    void anAttemptThatHangsIsFailedByItsTimeout() {
        rejoin.start();
        timers.advance(Duration.ZERO);
        CompletableFuture<Object> hanging = owner.last();
        timers.advance(Rejoin.ATTEMPT_TIMEOUT);
        assertTrue(hanging.isCompletedExceptionally(), "timed out: the owner closes what it opened");
        timers.advance(Duration.ofSeconds(1));
        assertEquals(2, owner.attempts.size(), "and a new attempt follows");
    }

    @Test
    void aSecondStartWhileRunningIsIgnored() {
        assertTrue(rejoin.start());
        assertFalse(rejoin.start());
        timers.advance(Duration.ZERO);
        assertEquals(1, owner.attempts.size());
    }

    @Test
    void cancelStopsEverything() {
        rejoin.start();
        timers.advance(Duration.ZERO);
        owner.last().completeExceptionally(new RuntimeException("refused"));
        rejoin.cancel();
        timers.advance(Duration.ofSeconds(30));
        assertEquals(1, owner.attempts.size());
        assertNull(owner.gaveUp);
        assertFalse(rejoin.start(), "a cancelled rejoin never starts again");
    }
}

package org.passerelle.gateway.ivr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PinEntryTest {
    private long now;
    private final List<String> did = new ArrayList<>();
    private final PinEntry.Actions actions = new PinEntry.Actions() {
        @Override public void play(String prompt) { did.add("play " + prompt); }
        @Override public void stopPrompt() { did.add("stop"); }
        @Override public void lookup(String pin) { did.add("lookup " + pin); }
        @Override public void wrongPin() { did.add("wrong"); }
        @Override public void join(String room) { did.add("join " + room); }
        @Override public void hangup(String reason) { did.add("hangup " + reason); }
    };

    private PinEntry entry(int attempts, int length) {
        PinEntry e = new PinEntry(attempts, length, Duration.ofSeconds(10), () -> now, actions);
        e.start();
        return e;
    }

    private static void type(PinEntry e, String keys) {
        for (char c : keys.toCharArray()) e.onDigit(c);
    }

    @Test
    void rightPinAfterTheWelcomeJoins() {
        PinEntry e = entry(3, 0);
        e.onPromptFinished();
        type(e, "1234#");
        e.onLookup(Optional.of("board"));
        e.onPromptFinished();
        assertEquals(List.of("play welcome", "lookup 1234", "play joining", "join board"), did);
        assertEquals(PinEntry.State.DONE, e.state());
    }

    @Test
    void typingDuringTheWelcomeInterruptsIt() {
        PinEntry e = entry(3, 0);
        type(e, "42#");
        assertEquals(List.of("play welcome", "stop", "lookup 42"), did);
    }

    @Test
    void fixedLengthEndsWithoutHash() {
        PinEntry e = entry(3, 4);
        e.onPromptFinished();
        type(e, "98765");
        assertEquals(List.of("play welcome", "lookup 9876"), did, "the fifth digit arrives while checking");
    }

    @Test
    void starStartsOver() {
        PinEntry e = entry(3, 0);
        e.onPromptFinished();
        type(e, "12*34#");
        assertEquals("lookup 34", did.get(1));
    }

    @Test
    void wrongPinsRetryThenGoodbye() {
        PinEntry e = entry(2, 0);
        e.onPromptFinished();
        type(e, "1#");
        e.onLookup(Optional.empty());
        e.onPromptFinished();
        type(e, "2#");
        e.onLookup(Optional.empty());
        e.onPromptFinished();
        assertEquals(List.of("play welcome", "lookup 1", "wrong", "play wrong-pin", "lookup 2", "wrong",
                "play goodbye", "hangup too many wrong PINs"), did);
        assertEquals(2, e.wrongAttempts());
    }

    @Test
    void directoryFailureSaysUnavailableNotWrong() {
        PinEntry e = entry(3, 0);
        type(e, "1#");
        e.onLookupFailed();
        e.onPromptFinished();
        assertEquals(List.of("play welcome", "stop", "lookup 1", "play unavailable",
                "hangup PIN directory unavailable"), did);
    }

    @Test
    void aForgottenHashIsSubmittedAfterTheTimeout() {
        PinEntry e = entry(3, 0);
        e.onPromptFinished();
        type(e, "555");
        now += Duration.ofSeconds(9).toNanos();
        e.onTick();
        assertEquals(List.of("play welcome"), did);
        now += Duration.ofSeconds(2).toNanos();
        e.onTick();
        assertEquals(List.of("play welcome", "lookup 555"), did);
    }

    @Test
    void silenceRepeatsTheWelcomeThenSaysGoodbye() {
        PinEntry e = entry(3, 0);
        for (int i = 0; i < 3; i++) {
            e.onPromptFinished();
            now += Duration.ofSeconds(11).toNanos();
            e.onTick();
        }
        e.onPromptFinished();
        assertEquals(List.of("play welcome", "play welcome", "play welcome", "play goodbye",
                "hangup no PIN typed"), did);
    }

    @Test
    void lockedOutCallerHearsWhyAndLeaves() {
        PinEntry e = entry(3, 0);
        e.lockedOut();
        e.onPromptFinished();
        assertEquals(List.of("play welcome", "play locked", "hangup caller locked out"), did);
    }

    @Test
    void tooManyDigitsCountAsAPin() {
        PinEntry e = entry(3, 0);
        e.onPromptFinished();
        type(e, "1".repeat(PinEntry.MAX_DIGITS));
        assertEquals("lookup " + "1".repeat(PinEntry.MAX_DIGITS), did.get(1));
    }
}

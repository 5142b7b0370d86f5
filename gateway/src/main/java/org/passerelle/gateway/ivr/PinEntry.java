package org.passerelle.gateway.ivr;

import java.time.Duration;
import java.util.Optional;
import org.passerelle.transcoder.NanoClock;

/**
 * The conversation of a caller who must type a meeting PIN: greet, collect digits ('#' ends, a
 * fixed length may too, '*' starts over), look the PIN up, then join, or say why and retry, or
 * say goodbye. Pure logic: the call feeds it digits, prompt ends, lookup results and clock ticks,
 * and it asks for prompts, lookups, joining and hanging up through {@link Actions}. Events arrive
 * on the call's serial executor, so no locking.
 */
public final class PinEntry {
    /** Longest PIN accepted; more digits are taken as a wrong PIN. */
    static final int MAX_DIGITS = 20;
    /** Silences (no digit at all) tolerated before saying goodbye. */
    static final int MAX_SILENCES = 2;

    public enum State {
        /** The welcome prompt plays; typing interrupts it. */
        GREETING,
        /** Waiting for digits. */
        COLLECTING,
        /** The PIN is being looked up. */
        CHECKING,
        /** "This PIN is not valid" plays; typing interrupts it. */
        RETRYING,
        /** "You are joining" plays, then the caller joins. */
        JOINING,
        /** A farewell plays, then the call ends. */
        LEAVING,
        /** Joined or hung up. */
        DONE
    }

    /** What the conversation asks of the call. */
    public interface Actions {
        /** Plays a prompt (welcome, wrong-pin, goodbye, joining, unavailable), replacing any. */
        void play(String prompt);

        /** Stops the prompt playing (the caller started typing). */
        void stopPrompt();

        /** Looks up the PIN; answer with {@link #onLookup} or {@link #onLookupFailed}. */
        void lookup(String pin);

        /** A wrong PIN was typed (for lockout counting). */
        void wrongPin();

        /** The caller may join this room. */
        void join(String room);

        /** End the call. */
        void hangup(String reason);
    }

    private final int maxAttempts;
    private final int pinLength;
    private final long digitTimeoutNanos;
    private final NanoClock clock;
    private final Actions actions;

    private State state = State.GREETING;
    private final StringBuilder digits = new StringBuilder();
    private int wrongAttempts;
    private int silences;
    private long lastActivity;
    private String room;
    private String farewellReason;

    /**
     * @param maxAttempts  wrong PINs before goodbye
     * @param pinLength    digits that end the PIN without '#', or 0
     * @param digitTimeout silence after which a partial PIN is submitted, or the welcome repeated
     */
    public PinEntry(int maxAttempts, int pinLength, Duration digitTimeout, NanoClock clock, Actions actions) {
        this.maxAttempts = maxAttempts;
        this.pinLength = pinLength;
        this.digitTimeoutNanos = digitTimeout.toNanos();
        this.clock = clock;
        this.actions = actions;
    }

    public State state() {
        return state;
    }

    public int wrongAttempts() {
        return wrongAttempts;
    }

    public void start() {
        state = State.GREETING;
        lastActivity = clock.nanoTime();
        actions.play("welcome");
    }

    public void onDigit(char d) {
        switch (state) {
            case GREETING, RETRYING -> {
                actions.stopPrompt(); // barge-in: the caller knows what to do
                state = State.COLLECTING;
                accept(d);
            }
            case COLLECTING -> accept(d);
            default -> { } // digits while checking, joining or leaving are ignored
        }
    }

    private void accept(char d) {
        lastActivity = clock.nanoTime();
        silences = 0;
        if (d == '#') {
            if (!digits.isEmpty()) submit();
        } else if (d == '*') {
            digits.setLength(0);
        } else if (d >= '0' && d <= '9') {
            digits.append(d);
            if ((pinLength > 0 && digits.length() == pinLength) || digits.length() >= MAX_DIGITS) submit();
        }
    }

    private void submit() {
        String pin = digits.toString();
        digits.setLength(0);
        state = State.CHECKING;
        actions.lookup(pin);
    }

    /** The directory's answer: the room, or empty for an unknown PIN. */
    public void onLookup(Optional<String> found) {
        if (state != State.CHECKING) return;
        if (found.isPresent()) {
            room = found.get();
            state = State.JOINING;
            actions.play("joining");
            return;
        }
        wrongAttempts++;
        actions.wrongPin();
        if (wrongAttempts >= maxAttempts) {
            leave("goodbye", "too many wrong PINs");
        } else {
            state = State.RETRYING;
            lastActivity = clock.nanoTime();
            actions.play("wrong-pin");
        }
    }

    /** The directory could not answer: the caller is told the service is unavailable. */
    public void onLookupFailed() {
        if (state == State.CHECKING) leave("unavailable", "PIN directory unavailable");
    }

    /** The caller is locked out (too many failures recently). */
    public void lockedOut() {
        leave("locked", "caller locked out");
    }

    /** The prompt asked for last has finished playing. */
    public void onPromptFinished() {
        switch (state) {
            case GREETING, RETRYING -> {
                state = State.COLLECTING;
                lastActivity = clock.nanoTime();
            }
            case JOINING -> {
                state = State.DONE;
                actions.join(room);
            }
            case LEAVING -> {
                state = State.DONE;
                actions.hangup(farewellReason);
            }
            default -> { }
        }
    }

    /** Called periodically (e.g. every media tick or second) to notice silence. */
    public void onTick() {
        if (state != State.COLLECTING || clock.nanoTime() - lastActivity < digitTimeoutNanos) return;
        if (!digits.isEmpty()) {
            submit(); // a caller who forgot '#'
            return;
        }
        silences++;
        if (silences > MAX_SILENCES) {
            leave("goodbye", "no PIN typed");
        } else {
            state = State.GREETING;
            lastActivity = clock.nanoTime();
            actions.play("welcome");
        }
    }

    private void leave(String prompt, String reason) {
        state = State.LEAVING;
        farewellReason = reason;
        actions.play(prompt);
    }
}

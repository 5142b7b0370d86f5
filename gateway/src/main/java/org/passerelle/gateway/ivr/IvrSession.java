package org.passerelle.gateway.ivr;

import java.time.Duration;
import java.util.concurrent.Executor;
import org.passerelle.dialplan.Decision;
import org.passerelle.gateway.media.AudioParticipant;
import org.passerelle.gateway.media.MediaClock;
import org.passerelle.gateway.room.Room;
import org.passerelle.sip.auth.AttemptLimiter;
import org.passerelle.transcoder.NanoClock;
import org.passerelle.transcoder.prompt.PromptLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A caller talking to the gateway before (or instead of) a room: a private room holding the caller
 * and a {@link PromptParticipant}, ticked by the media clock, and the conversation ({@link
 * PinEntry}, or one message then goodbye). Digits come from RFC 4733, SIP INFO or tones; once a
 * phone has sent a digit out of band, tones are ignored so a phone that does both is not heard
 * twice. Everything but media runs on the call's serial executor.
 */
public final class IvrSession implements PromptParticipant.Events, PinEntry.Actions {
    private static final Logger log = LoggerFactory.getLogger(IvrSession.class);

    /** What the call does when the conversation is over. */
    public interface Outcome {
        void join(String room);

        void hangup(String reason);
    }

    private final AudioParticipant caller;
    private final PromptLibrary prompts;
    private final String language;
    private final MediaClock clock;
    private final Executor executor;
    private final Outcome outcome;
    private final Room room;
    private final PromptParticipant voice;
    private PinEntry pin;
    private PinDirectory directory;
    private AttemptLimiter lockout;
    private String[] lockKeys = new String[0];
    private boolean messageOnly;
    private boolean outOfBandSeen;
    private boolean closed;

    public IvrSession(String callId, AudioParticipant caller, PromptLibrary prompts, String language,
                      MediaClock clock, Executor executor, Outcome outcome) {
        this.caller = caller;
        this.prompts = prompts;
        this.language = language;
        this.clock = clock;
        this.executor = executor;
        this.outcome = outcome;
        this.room = Room.detached("ivr:" + callId);
        this.voice = new PromptParticipant("ivr:" + callId, executor, this);
        room.addMember(caller);
        room.addMember(voice);
        clock.add(room);
    }

    /**
     * Asks for a PIN. {@code lockKeys} (caller number, source address) are checked against and
     * charged to {@code lockout} for wrong PINs.
     */
    public void askPin(Decision.AskPin ask, PinDirectory directory, AttemptLimiter lockout, Duration digitTimeout,
                       String... lockKeys) {
        this.directory = directory;
        this.lockout = lockout;
        this.lockKeys = lockKeys.clone();
        this.pin = new PinEntry(ask.maxAttempts(), ask.pinLength(), digitTimeout, NanoClock.SYSTEM, this);
        for (String key : this.lockKeys) {
            if (key != null && lockout.isLocked(key)) {
                log.info("caller locked out after repeated wrong PINs");
                pin.lockedOut();
                return;
            }
        }
        pin.start();
    }

    /** Plays one message, then hangs up. */
    public void playMessage(String prompt) {
        messageOnly = true;
        play(prompt);
    }

    /** A digit by RFC 4733 or SIP INFO. */
    public void outOfBandDigit(char key) {
        outOfBandSeen = true;
        if (pin != null) pin.onDigit(key);
    }

    @Override
    public void inBandDigit(char key) {
        if (closed || outOfBandSeen || pin == null) return;
        pin.onDigit(key);
    }

    @Override
    public void promptFinished() {
        if (closed) return;
        if (messageOnly) {
            outcome.hangup("message played");
        } else if (pin != null) {
            pin.onPromptFinished();
        }
    }

    @Override
    public void tick() {
        if (!closed && pin != null) pin.onTick();
    }

    // ---- PinEntry.Actions ----

    @Override
    public void play(String name) {
        try {
            voice.play(prompts.get(language, name));
        } catch (RuntimeException e) {
            // A broken admin prompt must not leave the caller in silence forever.
            log.error("prompt {}/{} cannot be played: {}", language, name, e.getMessage());
            executor.execute(this::promptFinished);
        }
    }

    @Override
    public void stopPrompt() {
        voice.stop();
    }

    @Override
    public void lookup(String pinCode) {
        log.info("PIN entered ({} digits), asking {}", pinCode.length(), directory.describe());
        directory.lookup(pinCode).whenComplete((room, error) -> executor.execute(() -> {
            if (closed) return;
            if (error != null) {
                log.warn("PIN directory failed: {}", error.getCause() != null ? error.getCause().getMessage()
                        : error.getMessage());
                pin.onLookupFailed();
            } else {
                if (room.isPresent()) {
                    for (String key : lockKeys) if (key != null) lockout.recordSuccess(key);
                }
                pin.onLookup(room);
            }
        }));
    }

    @Override
    public void wrongPin() {
        log.info("wrong PIN ({} so far)", pin.wrongAttempts());
        for (String key : lockKeys) {
            if (key != null) lockout.recordFailure(key);
        }
    }

    @Override
    public void join(String roomName) {
        outcome.join(roomName);
    }

    @Override
    public void hangup(String reason) {
        outcome.hangup(reason);
    }

    /** Takes the caller out of the private room; the caller's participant stays open. */
    public void close() {
        if (closed) return;
        closed = true;
        clock.remove(room);
        room.removeMember(voice);
        room.removeMember(caller);
    }
}

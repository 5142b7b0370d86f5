package org.passerelle.gateway.ivr;

import java.util.concurrent.Executor;
import org.passerelle.gateway.room.Participant;
import org.passerelle.transcoder.dtmf.DtmfToneDetector;
import org.passerelle.transcoder.prompt.Prompt;
import org.passerelle.transcoder.prompt.PromptPlayer;

/**
 * The gateway's voice in an IVR: a member of the caller's private room that plays prompts to the
 * caller and listens to what the caller sends, for DTMF typed as tones (phones that send neither
 * RFC 4733 nor SIP INFO). Media methods run on the media clock; what they notice (a prompt
 * finished, a digit, a second passed) is handed to the call's serial executor.
 */
public final class PromptParticipant implements Participant {
    /** What the IVR hears back; all on the call's executor. */
    public interface Events {
        void promptFinished();

        void inBandDigit(char key);

        /** About once a second, for timeouts. */
        void tick();
    }

    private static final int TICKS_PER_SECOND = 50;

    private final String id;
    private final Executor executor;
    private final Events events;
    private final PromptPlayer player = new PromptPlayer();
    private final DtmfToneDetector detector;
    private boolean wasPlaying;
    private int ticks;

    public PromptParticipant(String id, Executor executor, Events events) {
        this.id = id;
        this.executor = executor;
        this.events = events;
        this.detector = new DtmfToneDetector(48000, (key, durationMs) -> executor.execute(() -> events.inBandDigit(key)));
    }

    /** Plays prompts in sequence, replacing what was playing (any thread). */
    public void play(Prompt... prompts) {
        player.play(prompts);
    }

    public void stop() {
        player.stop();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String displayName() {
        return "Passerelle";
    }

    @Override
    public boolean readFrame(short[] frame) {
        boolean playing = player.nextFrame(frame);
        if (wasPlaying && !playing) executor.execute(events::promptFinished);
        wasPlaying = playing;
        if (++ticks == TICKS_PER_SECOND) {
            ticks = 0;
            executor.execute(events::tick);
        }
        return playing;
    }

    @Override
    public void writeFrame(short[] callerAudio) {
        detector.process(callerAudio, 0, FRAME_SAMPLES);
    }
}

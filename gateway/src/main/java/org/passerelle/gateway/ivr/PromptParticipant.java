package org.passerelle.gateway.ivr;

import java.util.concurrent.Executor;
import org.passerelle.gateway.room.Participant;
import org.passerelle.transcoder.audio.SwitchingResampler;
import org.passerelle.transcoder.dtmf.DtmfToneDetector;
import org.passerelle.transcoder.prompt.Prompt;
import org.passerelle.transcoder.prompt.PromptPlayer;

/**
 * The gateway's voice in an IVR: a member of the caller's private room that plays prompts to the
 * caller and listens to what the caller sends, for DTMF typed as tones (phones that send neither
 * RFC 4733 nor SIP INFO). Media methods run on the media clock; what they notice (a prompt
 * finished, a digit, a second passed) is handed to the call's serial executor.
 *
 * <p>It speaks and listens at any rate, so the room mixes at the caller's codec rate: prompts
 * (48 kHz) are converted down to it, and tones are detected at it (a detector per rate, made
 * when the rate is first seen).
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
    /** One prompt frame at the prompts' rate, before conversion to the room's. */
    private final short[] promptFrame = new short[PromptPlayer.FRAME_SAMPLES];
    private final SwitchingResampler toRoom = SwitchingResampler.from(Prompt.SAMPLE_RATE);
    /** Detectors by room rate (8, 16, 48 kHz), media thread only. */
    private final DtmfToneDetector[] detectors = new DtmfToneDetector[SwitchingResampler.RATE_COUNT];
    private int detectorRate;
    private boolean wasPlaying;
    private int ticks;

    public PromptParticipant(String id, Executor executor, Events events) {
        this.id = id;
        this.executor = executor;
        this.events = events;
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
    public int neededRate() {
        return ANY_RATE;
    }

    @Override
    public boolean readFrame(short[] frame, int rate) {
        boolean playing = player.nextFrame(promptFrame);
        if (playing) {
            if (!wasPlaying) toRoom.reset(); // a new prompt: nothing of the last one's tail
            toRoom.process(rate, promptFrame, 0, PromptPlayer.FRAME_SAMPLES, frame, 0);
        }
        if (wasPlaying && !playing) executor.execute(events::promptFinished);
        wasPlaying = playing;
        if (++ticks == TICKS_PER_SECOND) {
            ticks = 0;
            executor.execute(events::tick);
        }
        return playing;
    }

    @Override
    public void writeFrame(short[] callerAudio, int rate) {
        detector(rate).process(callerAudio, 0, Participant.frameSamples(rate));
    }

    /** The detector at {@code rate}; after a change of rate it starts afresh (a key in progress is lost). */
    private DtmfToneDetector detector(int rate) {
        int slot = SwitchingResampler.rateIndex(rate);
        DtmfToneDetector d = detectors[slot];
        if (d == null) {
            d = new DtmfToneDetector(rate, (key, durationMs) -> executor.execute(() -> events.inBandDigit(key)));
            detectors[slot] = d;
        } else if (rate != detectorRate) {
            d.reset();
        }
        detectorRate = rate;
        return d;
    }
}

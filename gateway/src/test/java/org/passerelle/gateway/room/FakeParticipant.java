package org.passerelle.gateway.room;

import java.util.Arrays;

/** A participant that says a constant value and remembers the last mix it heard, and at what rate. */
class FakeParticipant implements Participant {
    private final String id;
    private final int neededRate;
    short level;
    boolean speaking;
    short[] heard = new short[MAX_FRAME_SAMPLES];
    int heardSamples;
    int lastRate;

    FakeParticipant(String id) {
        this(id, 8000);
    }

    FakeParticipant(String id, int neededRate) {
        this.id = id;
        this.neededRate = neededRate;
    }

    FakeParticipant saying(int value) {
        level = (short) value;
        speaking = true;
        return this;
    }

    @Override public String id() { return id; }
    @Override public String displayName() { return id; }
    @Override public int neededRate() { return neededRate; }

    @Override
    public boolean readFrame(short[] frame, int rate) {
        lastRate = rate;
        if (!speaking) return false;
        Arrays.fill(frame, 0, Participant.frameSamples(rate), level);
        return true;
    }

    @Override
    public void writeFrame(short[] mix, int rate) {
        heardSamples = Participant.frameSamples(rate);
        Arrays.fill(heard, (short) 0);
        System.arraycopy(mix, 0, heard, 0, heardSamples);
    }
}

package org.passerelle.gateway.room;

import java.util.Arrays;

/** A participant that says a constant value and remembers the last mix it heard. */
class FakeParticipant implements Participant {
    private final String id;
    short level;
    boolean speaking;
    short[] heard = new short[FRAME_SAMPLES];

    FakeParticipant(String id) {
        this.id = id;
    }

    FakeParticipant saying(int value) {
        level = (short) value;
        speaking = true;
        return this;
    }

    @Override public String id() { return id; }
    @Override public String displayName() { return id; }

    @Override
    public boolean readFrame(short[] frame) {
        if (!speaking) return false;
        Arrays.fill(frame, 0, FRAME_SAMPLES, level);
        return true;
    }

    @Override
    public void writeFrame(short[] mix) {
        System.arraycopy(mix, 0, heard, 0, FRAME_SAMPLES);
    }
}

package org.passerelle.gateway.room;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RoomTest {
    @Test
    void everyoneHearsTheOthersButNotThemselves() {
        Room room = new Room("demo");
        FakeParticipant a = new FakeParticipant("a").saying(100);
        FakeParticipant b = new FakeParticipant("b").saying(20);
        FakeParticipant c = new FakeParticipant("c").saying(3);
        room.add(a);
        room.add(b);
        room.add(c);
        room.tick();
        assertEquals(23, a.heard[0]);
        assertEquals(103, b.heard[FRAME_LAST]);
        assertEquals(120, c.heard[0]);
    }

    @Test
    void aSilentMemberAddsNothingAndStillHears() {
        Room room = new Room("demo");
        FakeParticipant a = new FakeParticipant("a").saying(500);
        FakeParticipant quiet = new FakeParticipant("q");
        room.add(a);
        room.add(quiet);
        room.tick();
        assertEquals(0, a.heard[0]);
        assertEquals(500, quiet.heard[0]);
    }

    @Test
    void aLoneMemberHearsSilence() {
        Room room = new Room("demo");
        FakeParticipant a = new FakeParticipant("a").saying(1234);
        room.add(a);
        room.tick();
        assertEquals(0, a.heard[0]);
    }

    @Test
    void someoneWhoLeftIsNoLongerMixed() {
        Room room = new Room("demo");
        FakeParticipant a = new FakeParticipant("a").saying(7);
        FakeParticipant b = new FakeParticipant("b").saying(9);
        room.add(a);
        room.add(b);
        room.remove(b);
        room.tick();
        assertEquals(0, a.heard[0]);
    }

    private static final int FRAME_LAST = Participant.FRAME_SAMPLES - 1;
}

package org.passerelle.gateway.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoomRegistryTest {
    private final List<String> events = new ArrayList<>();
    private final RoomRegistry rooms = new RoomRegistry(r -> events.add("open " + r.name()),
            r -> events.add("close " + r.name()));

    @Test
    void roomOpensWithFirstParticipantAndClosesWithLast() {
        Participant a = new FakeParticipant("a");
        Participant b = new FakeParticipant("b");
        Room first = rooms.join("demo", a);
        Room second = rooms.join("demo", b);
        assertSame(first, second);
        assertEquals(2, rooms.participantCount("demo"));
        assertEquals(List.of("open demo"), events);

        rooms.leave("demo", a);
        assertEquals(1, rooms.participantCount("demo"));
        assertEquals(Set.of("demo"), rooms.names());

        rooms.leave("demo", b);
        assertEquals(0, rooms.participantCount("demo"));
        assertNull(rooms.get("demo"));
        assertEquals(List.of("open demo", "close demo"), events);
    }

    @Test
    void roomsAreIndependent() {
        rooms.join("a", new FakeParticipant("1"));
        rooms.join("b", new FakeParticipant("2"));
        assertEquals(Set.of("a", "b"), rooms.names());
    }

    @Test
    void reopeningAfterCloseGivesANewRoom() {
        Participant a = new FakeParticipant("a");
        Room first = rooms.join("demo", a);
        rooms.leave("demo", a);
        Room again = rooms.join("demo", a);
        assertEquals(1, again.size());
        assertEquals(false, first == again);
    }

    @Test
    void leavingAnUnknownRoomIsHarmless() {
        rooms.leave("nowhere", new FakeParticipant("x"));
        assertEquals(Set.of(), rooms.names());
    }
}

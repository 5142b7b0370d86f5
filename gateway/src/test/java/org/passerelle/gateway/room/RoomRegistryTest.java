package org.passerelle.gateway.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    @Test
    void limitsRefuseTheOneTooMany() {
        RoomRegistry small = new RoomRegistry(r -> { }, r -> { }, new RoomLimits(2, 1));
        small.join("demo", new FakeParticipant("a"));
        assertEquals(Admission.OK, small.check("demo"));
        assertEquals(Admission.GATEWAY_FULL, small.check("other"));
        small.join("demo", new FakeParticipant("b"));
        assertEquals(Admission.ROOM_FULL, small.check("demo"));
        RoomLimitException full = assertThrows(RoomLimitException.class,
                () -> small.join("demo", new FakeParticipant("c")));
        assertEquals(Admission.ROOM_FULL, full.admission());
        RoomLimitException tooMany = assertThrows(RoomLimitException.class,
                () -> small.join("other", new FakeParticipant("d")));
        assertEquals(Admission.GATEWAY_FULL, tooMany.admission());
        assertEquals(Set.of("demo"), small.names());
        assertEquals(2, small.participantCount("demo"));

        small.leave("demo", small.get("demo").participants().get(0));
        small.leave("demo", small.get("demo").participants().get(0));
        small.join("other", new FakeParticipant("d"));
        assertEquals(Set.of("other"), small.names(), "a closed room frees its place");
    }

    @Test
    void observersHearEveryChangeUntilTheyLeave() {
        List<String> seenByA = new ArrayList<>();
        RoomObserver a = (room, members) -> seenByA.add(members.stream()
                .map(m -> m.id() + (m.muted() ? "(muted)" : "")).toList().toString());
        Participant pa = new FakeParticipant("a");
        Participant pb = new FakeParticipant("b") {
            @Override public boolean muted() { return true; }
            @Override public Kind kind() { return Kind.BROWSER; }
        };
        rooms.join("demo", pa, a);
        Room room = rooms.join("demo", pb);
        room.memberChanged(pb);
        room.memberChanged(new FakeParticipant("stranger"));
        rooms.leave("demo", pb);
        rooms.leave("demo", pa);
        assertEquals(List.of("[a]", "[a, b(muted)]", "[a, b(muted)]", "[a]"), seenByA);
        assertEquals(Participant.Kind.PHONE, pa.kind());
    }
}

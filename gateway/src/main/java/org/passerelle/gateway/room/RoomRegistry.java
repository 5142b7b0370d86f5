package org.passerelle.gateway.room;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded rooms: a room exists while it has participants. It is created when its first
 * participant arrives and closed when the last one leaves.
 */
public final class RoomRegistry {
    private static final Logger log = LoggerFactory.getLogger(RoomRegistry.class);

    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final Consumer<Room> onOpen;
    private final Consumer<Room> onClose;

    /** {@code onOpen}/{@code onClose} let the media clock start and stop ticking the room. */
    public RoomRegistry(Consumer<Room> onOpen, Consumer<Room> onClose) {
        this.onOpen = onOpen;
        this.onClose = onClose;
    }

    /** Adds the participant to the room, opening it if needed; returns the room. */
    public Room join(String roomName, Participant p) {
        // compute() serialises join/leave per room name, so a room cannot close under a joiner.
        Room[] opened = new Room[1];
        Room room = rooms.compute(roomName, (name, existing) -> {
            Room r = existing != null ? existing : (opened[0] = new Room(name));
            r.add(p);
            return r;
        });
        if (opened[0] != null) {
            log.info("room {} opened", roomName);
            onOpen.accept(room);
        }
        log.info("{} ({}) joined room {} ({} in room)", p.id(), p.displayName(), roomName, room.size());
        return room;
    }

    /** Removes the participant; the room closes when it was the last one. */
    public void leave(String roomName, Participant p) {
        Room[] closed = new Room[1];
        rooms.computeIfPresent(roomName, (name, r) -> {
            r.remove(p);
            if (r.size() == 0) {
                closed[0] = r;
                return null;
            }
            return r;
        });
        log.info("{} left room {}", p.id(), roomName);
        if (closed[0] != null) {
            onClose.accept(closed[0]);
            log.info("room {} closed", roomName);
        }
    }

    public Set<String> names() {
        return new TreeSet<>(rooms.keySet());
    }

    public Room get(String name) {
        return rooms.get(name);
    }

    public int participantCount(String name) {
        Room r = rooms.get(name);
        return r == null ? 0 : r.size();
    }
}

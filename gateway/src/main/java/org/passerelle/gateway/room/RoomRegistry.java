package org.passerelle.gateway.room;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded rooms: a room exists while it has participants. It is created when its first
 * participant arrives and closed when the last one leaves. {@link RoomLimits} bound the
 * participants per room and the rooms per gateway; joins beyond them are refused.
 */
public final class RoomRegistry {
    private static final Logger log = LoggerFactory.getLogger(RoomRegistry.class);

    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    /** Rooms open or being opened; counted inside compute() so the limit holds under races. */
    private final AtomicInteger open = new AtomicInteger();
    private final Consumer<Room> onOpen;
    private final Consumer<Room> onClose;
    private final RoomLimits limits;

    /** {@code onOpen}/{@code onClose} let the media clock start and stop ticking the room. */
    public RoomRegistry(Consumer<Room> onOpen, Consumer<Room> onClose) {
        this(onOpen, onClose, RoomLimits.defaults());
    }

    public RoomRegistry(Consumer<Room> onOpen, Consumer<Room> onClose, RoomLimits limits) {
        this.onOpen = onOpen;
        this.onClose = onClose;
        this.limits = limits;
    }

    public RoomLimits limits() {
        return limits;
    }

    /** Whether one more participant could enter the room now (a hint: {@link #join} decides). */
    public Admission check(String roomName) {
        Room r = rooms.get(roomName);
        if (r != null) return r.size() >= limits.maxParticipants() ? Admission.ROOM_FULL : Admission.OK;
        return open.get() >= limits.maxRooms() ? Admission.GATEWAY_FULL : Admission.OK;
    }

    /**
     * Adds the participant to the room, opening it if needed; returns the room.
     *
     * @throws RoomLimitException when the room is full or a new room would be one too many
     */
    public Room join(String roomName, Participant p) {
        return join(roomName, p, null);
    }

    /**
     * Adds the participant with an observer that hears of every membership change of the room
     * (including this join) until the participant leaves.
     *
     * @throws RoomLimitException when the room is full or a new room would be one too many
     */
    public Room join(String roomName, Participant p, RoomObserver observer) {
        // compute() serialises join/leave per room name, so a room cannot close under a joiner.
        Room[] opened = new Room[1];
        Room room = rooms.compute(roomName, (name, existing) -> {
            if (existing != null && existing.size() >= limits.maxParticipants()) {
                throw new RoomLimitException(name, Admission.ROOM_FULL, limits.maxParticipants());
            }
            if (existing == null && open.incrementAndGet() > limits.maxRooms()) {
                open.decrementAndGet();
                throw new RoomLimitException(name, Admission.GATEWAY_FULL, limits.maxRooms());
            }
            Room r = existing != null ? existing : (opened[0] = new Room(name));
            r.add(p, observer);
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
                open.decrementAndGet();
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

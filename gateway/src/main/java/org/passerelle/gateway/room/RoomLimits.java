package org.passerelle.gateway.room;

/**
 * How much the embedded rooms may hold.
 *
 * @param maxParticipants participants per room, phones and browsers together
 * @param maxRooms        rooms open at once in this gateway
 */
public record RoomLimits(int maxParticipants, int maxRooms) {
    public RoomLimits {
        if (maxParticipants < 1 || maxRooms < 1) {
            throw new IllegalArgumentException("room limits must be at least 1: " + maxParticipants + ", " + maxRooms);
        }
    }

    public static RoomLimits defaults() {
        return new RoomLimits(50, 200);
    }
}

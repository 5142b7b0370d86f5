package org.passerelle.gateway.room;

import java.util.List;

/**
 * Learns who is in a room whenever that changes (a join, a leave, a mute). Browser sessions use it
 * to keep their participant list current.
 *
 * <p>Called while the room's membership lock is held, so that every observer sees the changes in
 * the order they happened: implementations must only hand the list on (e.g. queue a message) and
 * must not call back into the room or its registry.
 */
@FunctionalInterface
public interface RoomObserver {
    void onMembersChanged(Room room, List<MemberView> members);
}

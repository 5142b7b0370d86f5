package org.passerelle.gateway.room;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.passerelle.transcoder.audio.Mixer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded room: its participants and its mix-minus mixer at 48 kHz. Members join and leave
 * from signalling threads; {@link #tick()} runs on the media clock. The member list is
 * copy-on-write: joins are rare, ticks are every 20 ms.
 *
 * <p>Membership changes (join, leave, mute) are announced to the members' {@link RoomObserver}s
 * under the room's lock, so each observer sees every change, in order.
 */
public final class Room {
    private static final Logger log = LoggerFactory.getLogger(Room.class);
    public static final int SAMPLE_RATE = 48000;

    private final String name;
    private final Mixer mixer = new Mixer(Participant.FRAME_SAMPLES);
    private final List<Member> members = new CopyOnWriteArrayList<>();

    private record Member(Participant participant, Mixer.Participant channel, RoomObserver observer) {}

    Room(String name) {
        this.name = name;
    }

    /** A room outside the registry (an IVR's private room): not listed, not limited, no observers. */
    public static Room detached(String name) {
        return new Room(name);
    }

    /** Adds a member to a {@link #detached} room. */
    public void addMember(Participant p) {
        add(p);
    }

    /** Removes a member from a {@link #detached} room; true when it was one. */
    public boolean removeMember(Participant p) {
        return remove(p);
    }

    public String name() { return name; }

    public int size() { return members.size(); }

    public List<Participant> participants() {
        return members.stream().map(Member::participant).toList();
    }

    /** Who is in the room now, as others see them. */
    public List<MemberView> members() {
        return members.stream().map(m -> MemberView.of(m.participant)).toList();
    }

    void add(Participant p) {
        add(p, null);
    }

    synchronized void add(Participant p, RoomObserver observer) {
        members.add(new Member(p, mixer.join(), observer));
        announce();
    }

    /** Returns true when the participant was a member. */
    synchronized boolean remove(Participant p) {
        for (Member m : members) {
            if (m.participant == p) {
                members.remove(m);
                m.channel.leave();
                announce();
                return true;
            }
        }
        return false;
    }

    /** A member's visible state changed (mute, name): everyone watching is told. */
    public synchronized void memberChanged(Participant p) {
        for (Member m : members) {
            if (m.participant == p) {
                announce();
                return;
            }
        }
    }

    /** Caller holds the room's lock. */
    private void announce() {
        List<RoomObserver> observers = new ArrayList<>();
        for (Member m : members) {
            if (m.observer != null) observers.add(m.observer);
        }
        if (observers.isEmpty()) return;
        List<MemberView> view = members();
        for (RoomObserver o : observers) {
            try {
                o.onMembersChanged(this, view);
            } catch (RuntimeException e) {
                log.warn("room {}: an observer failed: {}", name, e.toString());
            }
        }
    }

    /** One 20 ms step: read every member, mix, give each the mix of the others. */
    public void tick() {
        List<Member> now = members;
        for (Member m : now) {
            if (m.participant.readFrame(m.channel.input())) m.channel.markInput();
        }
        mixer.mix();
        for (Member m : now) {
            m.participant.writeFrame(m.channel.output());
        }
    }
}

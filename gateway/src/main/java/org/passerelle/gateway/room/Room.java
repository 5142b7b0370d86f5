package org.passerelle.gateway.room;

import java.util.ArrayList;
import java.util.List;
import org.passerelle.transcoder.audio.Mixer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded room: its participants and its mix-minus mixer. Members join and leave from
 * signalling threads; {@link #tick()} runs on the media clock.
 *
 * <p>The room mixes at the lowest rate that loses nothing for its members (the highest of their
 * {@link Participant#neededRate}, at least 8 kHz, rounded up to 8, 16 or 48 kHz): G.711 phones
 * alone are mixed at 8 kHz with no resampling at all, a browser makes it 48 kHz for as long as it
 * stays. The members and the rate are recomputed together under the room's lock at each join and
 * leave and published to {@link #tick()} as one immutable {@link Snapshot}, so a tick never sees
 * a member list of one moment with the rate of another.
 *
 * <p>Membership changes (join, leave, mute) are announced to the members' {@link RoomObserver}s
 * under the room's lock, so each observer sees every change, in order.
 */
public final class Room {
    private static final Logger log = LoggerFactory.getLogger(Room.class);

    private final String name;
    private final Mixer mixer = new Mixer(Participant.MAX_FRAME_SAMPLES);
    /** Guarded by this; {@link #snapshot} is its published copy. */
    private final List<Member> members = new ArrayList<>();
    private volatile Snapshot snapshot = new Snapshot(new Member[0], Participant.MIN_RATE);

    private record Member(Participant participant, Mixer.Participant channel, RoomObserver observer) {}

    /** What one tick works on: the members then and the rate they need. */
    private record Snapshot(Member[] members, int rate) {}

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

    public int size() { return snapshot.members.length; }

    /** The rate the room mixes at now (8000, 16000 or 48000 Hz). */
    public int rate() { return snapshot.rate; }

    public List<Participant> participants() {
        return java.util.Arrays.stream(snapshot.members).map(Member::participant).toList();
    }

    /** Who is in the room now, as others see them. */
    public List<MemberView> members() {
        return java.util.Arrays.stream(snapshot.members).map(m -> MemberView.of(m.participant)).toList();
    }

    /**
     * The mixing rate for members needing these rates: the highest, at least 8 kHz, rounded up to
     * a rate the resamplers convert (8, 16 or 48 kHz).
     */
    static int mixingRate(List<Participant> participants) {
        int need = Participant.MIN_RATE;
        for (Participant p : participants) need = Math.max(need, p.neededRate());
        if (need <= 8000) return 8000;
        if (need <= 16000) return 16000;
        return Participant.MAX_RATE;
    }

    /** Publishes the members and their rate to the media thread; caller holds the room's lock. */
    private void publish() {
        List<Participant> ps = new ArrayList<>(members.size());
        for (Member m : members) ps.add(m.participant);
        int rate = mixingRate(ps);
        Snapshot before = snapshot;
        snapshot = new Snapshot(members.toArray(new Member[0]), rate);
        // A change in a room already in use: its phones switch resamplers now (an instant's reset).
        if (rate != before.rate && before.members.length > 0 && !members.isEmpty()) {
            log.debug("room {}: mixing at {} Hz now ({} members)", name, rate, members.size());
        }
    }

    void add(Participant p) {
        add(p, null);
    }

    synchronized void add(Participant p, RoomObserver observer) {
        // Into the mixer first: until the snapshot names it, its channel has no input and is not heard.
        members.add(new Member(p, mixer.join(), observer));
        publish();
        announce();
    }

    /** Returns true when the participant was a member. */
    synchronized boolean remove(Participant p) {
        for (int i = 0; i < members.size(); i++) {
            Member m = members.get(i);
            if (m.participant == p) {
                members.remove(i);
                publish();
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

    /**
     * One 20 ms step at the room's rate: read every member, mix, give each the mix of the others.
     * Allocates nothing.
     */
    public void tick() {
        Snapshot now = snapshot;
        int rate = now.rate;
        for (Member m : now.members) {
            if (m.participant.readFrame(m.channel.input(), rate)) m.channel.markInput();
        }
        mixer.mix(Participant.frameSamples(rate));
        for (Member m : now.members) {
            m.participant.writeFrame(m.channel.output(), rate);
        }
    }
}

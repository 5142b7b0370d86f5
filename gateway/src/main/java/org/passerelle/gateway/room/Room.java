package org.passerelle.gateway.room;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.passerelle.transcoder.audio.Mixer;

/**
 * An embedded room: its participants and its mix-minus mixer at 48 kHz. Members join and leave
 * from signalling threads; {@link #tick()} runs on the media clock. The member list is
 * copy-on-write: joins are rare, ticks are every 20 ms.
 */
public final class Room {
    public static final int SAMPLE_RATE = 48000;

    private final String name;
    private final Mixer mixer = new Mixer(Participant.FRAME_SAMPLES);
    private final List<Member> members = new CopyOnWriteArrayList<>();

    private record Member(Participant participant, Mixer.Participant channel) {}

    Room(String name) {
        this.name = name;
    }

    public String name() { return name; }

    public int size() { return members.size(); }

    public List<Participant> participants() {
        return members.stream().map(Member::participant).toList();
    }

    void add(Participant p) {
        members.add(new Member(p, mixer.join()));
    }

    /** Returns true when the participant was a member. */
    boolean remove(Participant p) {
        for (Member m : members) {
            if (m.participant == p) {
                members.remove(m);
                m.channel.leave();
                return true;
            }
        }
        return false;
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

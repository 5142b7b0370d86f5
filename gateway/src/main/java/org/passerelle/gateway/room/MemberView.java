package org.passerelle.gateway.room;

/** What others see of one participant, captured at one moment. */
public record MemberView(String id, String name, Participant.Kind kind, boolean muted) {

    static MemberView of(Participant p) {
        String name = p.displayName();
        return new MemberView(p.id(), name == null ? "" : name, p.kind(), p.muted());
    }
}

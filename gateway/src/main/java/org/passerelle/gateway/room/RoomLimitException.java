package org.passerelle.gateway.room;

/** A join refused by a limit; {@link #admission()} says which one. */
public final class RoomLimitException extends RuntimeException {
    private final Admission admission;

    public RoomLimitException(String room, Admission admission, int limit) {
        super(admission == Admission.ROOM_FULL
                ? "room " + room + " is full (" + limit + " participants)"
                : "the gateway already hosts its maximum of " + limit + " rooms");
        this.admission = admission;
    }

    public Admission admission() {
        return admission;
    }
}

package org.passerelle.gateway.room;

/** Whether one more participant may enter a room now, and if not, which limit stops it. */
public enum Admission {
    OK,
    /** The room already has its maximum of participants. */
    ROOM_FULL,
    /** The room does not exist yet and the gateway already hosts its maximum of rooms. */
    GATEWAY_FULL
}

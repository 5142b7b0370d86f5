package org.passerelle.dialplan;

import java.util.regex.Pattern;

/**
 * Routes a call to a decision. The built-in plan joins the room named by the user part of the
 * Request-URI; configured rules (trunks, numbers, PINs) come with the dial-plan work.
 */
public final class DialPlan {
    /** Room names: letters, digits, '-', '_', '.', 1 to 64 characters. */
    private static final Pattern ROOM_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public static DialPlan builtIn() {
        return new DialPlan();
    }

    public Decision route(CallFacts facts) {
        String room = facts.calledUser();
        if (!isValidRoomName(room)) {
            return new Decision.Reject(404, "Not Found");
        }
        return new Decision.JoinRoom(room);
    }

    public static boolean isValidRoomName(String name) {
        return name != null && ROOM_NAME.matcher(name).matches();
    }
}

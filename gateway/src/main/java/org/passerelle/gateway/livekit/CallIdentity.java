package org.passerelle.gateway.livekit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Who a SIP call is in a LiveKit room, after LiveKit SIP's conventions so that existing apps
 * (Meet, Element Call) show callers as they show LiveKit SIP's: identity {@code sip_<number>},
 * name = caller ID, and the {@code sip.*} attributes.
 *
 * @param callId            the SIP Call-ID (attribute sip.callID)
 * @param phoneNumber       the caller's number (sip.phoneNumber; the identity is built from it)
 * @param callerName        what people see (caller ID display name, else the number)
 * @param trunkPhoneNumber  the number that was dialled (sip.trunkPhoneNumber), or null
 */
public record CallIdentity(String callId, String phoneNumber, String callerName, String trunkPhoneNumber) {
    /** Prefix of every call participant's identity (LiveKit SIP's). */
    public static final String IDENTITY_PREFIX = "sip_";
    /** Attribute that marks participants the gateway itself put in the room: their tracks are never mixed again. */
    public static final String MARKER_ATTRIBUTE = "passerelle";

    /** sip.callStatus values LiveKit SIP uses. */
    public enum CallStatus {
        ACTIVE("active"), HANGUP("hangup");

        private final String wire;

        CallStatus(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    public CallIdentity {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(phoneNumber, "phoneNumber");
        if (callerName == null || callerName.isBlank()) callerName = phoneNumber;
    }

    /** {@code sip_<number>}. Two calls from one number in one room share it (as with LiveKit SIP): the server keeps the newer. */
    public String identity() {
        return IDENTITY_PREFIX + phoneNumber;
    }

    /** The participant attributes at join time. */
    public Map<String, String> attributes(CallStatus status) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("sip.callID", callId);
        a.put("sip.phoneNumber", phoneNumber);
        if (trunkPhoneNumber != null && !trunkPhoneNumber.isBlank()) a.put("sip.trunkPhoneNumber", trunkPhoneNumber);
        a.put("sip.callStatus", status.wire());
        a.put(MARKER_ATTRIBUTE, "1");
        return a;
    }
}

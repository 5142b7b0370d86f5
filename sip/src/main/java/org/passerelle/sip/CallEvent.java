package org.passerelle.sip;

/** What happens to a call; ending events carry the one end reason they give. */
enum CallEvent {
    /** We sent 180 Ringing. */
    RING(null),
    /** We sent 183 Session Progress with our SDP: early media (RFC 3960). */
    PROGRESS(null),
    /** We sent 200 OK to the INVITE. */
    ANSWER(null),
    /** ACK for our 200 received (RFC 3261 §13.3.1.4). */
    ACK(null),
    /** A re-INVITE in the confirmed dialog, answered with 200 (RFC 3261 §14.2). */
    REINVITE(null),
    BYE_RECEIVED(SipLeg.EndReason.REMOTE_BYE),
    CANCEL_RECEIVED(SipLeg.EndReason.CANCELLED),
    REJECT(SipLeg.EndReason.REJECTED),
    HANGUP(SipLeg.EndReason.LOCAL_HANGUP),
    RTP_TIMEOUT(SipLeg.EndReason.RTP_TIMEOUT),
    ACK_TIMEOUT(SipLeg.EndReason.ACK_TIMEOUT),
    ERROR(SipLeg.EndReason.ERROR);

    private final SipLeg.EndReason endReason;

    CallEvent(SipLeg.EndReason endReason) {
        this.endReason = endReason;
    }

    /** The end reason when this event ends the call, else null. */
    SipLeg.EndReason endReason() {
        return endReason;
    }
}

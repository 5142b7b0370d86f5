package org.passerelle.sip;

/** Implemented by the application: receives each new inbound call once its offer is acceptable. */
@FunctionalInterface
public interface SipCallHandler {
    /**
     * A new INVITE (outside a dialog) whose SDP offer, if any, has a codec in common with ours.
     * Called on the leg's serial executor. The handler must answer with {@link SipLeg#ringing()},
     * {@link SipLeg#answer()} or {@link SipLeg#reject(int, String)}.
     */
    void onIncomingCall(SipLeg leg);
}

package org.passerelle.gateway.browser;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;
import org.passerelle.webrtc.WebRtcException;
import org.passerelle.webrtc.WebRtcSession;

/** A WebRTC session factory whose sessions connect when the test says so. */
public final class FakeWebRtc implements WebRtcSessionFactory {
    public final List<Session> sessions = new CopyOnWriteArrayList<>();
    /** When set, the next answer fails with this message. */
    public volatile String failWith;

    @Override
    public WebRtcSession answer(String offerSdp, WebRtcSession.Listener listener) throws WebRtcException {
        if (failWith != null) throw new WebRtcException(failWith);
        Session s = new Session(offerSdp, listener);
        sessions.add(s);
        return s;
    }

    public Session last() {
        return sessions.get(sessions.size() - 1);
    }

    public static final class Session implements WebRtcSession {
        public final String offer;
        public final WebRtcSession.Listener listener;
        public final List<String> candidates = new ArrayList<>();
        public final RtpPacketPool pool = new RtpPacketPool(16);
        public volatile int closes;
        public volatile int sent;

        Session(String offer, WebRtcSession.Listener listener) {
            this.offer = offer;
            this.listener = listener;
        }

        @Override public String localDescription() { return "answer to " + offer; }
        @Override public void applyAnswer(String answerSdp) { throw new UnsupportedOperationException(); }

        @Override
        public synchronized void addRemoteCandidate(String candidate, String sdpMid) {
            candidates.add(candidate + "|" + sdpMid);
        }

        @Override public AudioCodec codec() { return AudioCodec.OPUS; }
        @Override public RtpPacketPool packetPool() { return pool; }

        @Override
        public void sendAudio(RtpPacket packet, int payloadLength, int rtpDuration) {
            sent++;
            packet.release();
        }

        @Override public boolean isConnected() { return closes == 0; }

        @Override
        public void close() {
            closes++;
        }
    }
}

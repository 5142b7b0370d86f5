package org.passerelle.gateway.livekit;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import com.google.protobuf.InvalidProtocolBufferException;
import livekit.LivekitModels.DataPacket;
import livekit.LivekitModels.DisconnectReason;
import livekit.LivekitModels.SipDTMF;
import livekit.LivekitModels.TrackSource;
import livekit.LivekitModels.TrackType;
import livekit.LivekitRtc.AddTrackRequest;
import livekit.LivekitRtc.JoinResponse;
import livekit.LivekitRtc.SessionDescription;
import livekit.LivekitRtc.SignalTarget;
import org.passerelle.gateway.media.AudioPort;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.codec.OpusEncoder;
import org.passerelle.transcoder.dtmf.TelephoneEvent;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;
import org.passerelle.webrtc.DataChannel;
import org.passerelle.webrtc.WebRtcException;
import org.passerelle.webrtc.WebRtcSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The LiveKit participant of one SIP call: publish-only. It joins with the call's identity
 * ({@link CallIdentity}), publishes one Opus microphone track over a publisher peer connection
 * (AddTrackRequest, then our offer, then the server's answer), and sends the caller's audio on
 * it. It receives nothing: the room's {@link LiveKitRoomSession} listener hears the room once for
 * every call.
 *
 * <p>As an {@link AudioPort} it takes ready Opus frames; {@link #sendFrame} encodes 20 ms of the
 * caller's PCM itself, at the rate it was made for (the caller's codec rate: 8 kHz for a G.711
 * phone, coded as it is; one encoder, reused buffers: nothing allocated per frame).
 *
 * <p>DTMF (issue 5 item 4) travels as LiveKit SIP does it: a {@code DataPacket{sip_dtmf}} per
 * digit on the reliable data channel {@code _reliable} that the participant opens on its publisher
 * connection, as LiveKit clients do. A publish-only participant's primary connection is its
 * publisher, so the server also sends the room's packets for it down that same channel.
 */
public final class LiveKitCallParticipant implements AudioPort, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiveKitCallParticipant.class);
    /** 20 ms in RTP units: Opus's RTP clock is 48 kHz whatever the PCM rate (RFC 7587 §4.1). */
    private static final int FRAME_RTP_UNITS = 960;

    /** Where the call hears about its participant. */
    public interface Listener {
        /** The microphone track is published (its sid) and the media connection is being set up. */
        default void onPublished(String trackSid) {}

        /** A LiveKit SIP DTMF packet from someone in the room ({@code from}: their identity): play it to the phone. */
        default void onDtmf(char digit, String from) {}

        /** The participant is gone for good: removed, room closed, server lost; the call should end. */
        void onEnded(DisconnectReason reason, String detail);
    }

    /** Makes the publisher peer connection: {@code WebRtcSession.offer(config, listener)} in production. */
    @FunctionalInterface
    public interface PublisherFactory {
        WebRtcSession offer(WebRtcSession.Listener listener) throws WebRtcException;
    }

    /** Where the participant is in its life. */
    public enum State { NEW, JOINING, PUBLISHING, PUBLISHED, ENDED }

    private final String room;
    private final CallIdentity who;
    private final PublisherFactory publishers;
    private final Listener listener;
    private final SignalClient signal;
    private final CompletableFuture<String> published = new CompletableFuture<>();
    private final OpusEncoder encoder;
    /** Samples of one 20 ms frame given to {@link #sendFrame}. */
    private final int frameSamples;
    /** Lends packets before the publisher exists (they are dropped anyway). */
    private final RtpPacketPool idlePool = new RtpPacketPool(4);
    private boolean closed;

    private volatile State state = State.NEW;
    private volatile WebRtcSession publisher;
    /** LiveKit's {@code _reliable} channel: DTMF both ways; null when the connection has no data channels. */
    private volatile DataChannel reliable;
    /** Server candidates that came before the answer: applied with it. */
    private final List<String[]> earlyCandidates = new ArrayList<>();
    private boolean answered;

    public LiveKitCallParticipant(LiveKitConfig config, LiveKitTokens tokens, String room, CallIdentity who,
                                  PublisherFactory publishers, Timers timers, HttpClient http, Listener listener) {
        this(config, tokens, room, who, OpusEncoder.Settings.VOICE, publishers, timers, http, listener);
    }

    /** @param encoding how the caller's microphone track is coded (see {@link OpusEncoder.Settings#voiceFrom}) */
    public LiveKitCallParticipant(LiveKitConfig config, LiveKitTokens tokens, String room, CallIdentity who,
                                  OpusEncoder.Settings encoding, PublisherFactory publishers, Timers timers,
                                  HttpClient http, Listener listener) {
        this(config, tokens, room, who, encoding, 48000, publishers, timers, http, listener);
    }

    /**
     * @param encoding how the caller's microphone track is coded (see {@link OpusEncoder.Settings#voiceFrom})
     * @param sampleRate the rate of the PCM given to {@link #sendFrame}: the caller's codec rate
     *                   (8000, 16000 or 48000; Opus encodes any of them directly)
     */
    public LiveKitCallParticipant(LiveKitConfig config, LiveKitTokens tokens, String room, CallIdentity who,
                                  OpusEncoder.Settings encoding, int sampleRate, PublisherFactory publishers,
                                  Timers timers, HttpClient http, Listener listener) {
        this.encoder = new OpusEncoder(encoding, sampleRate);
        this.frameSamples = sampleRate / 50;
        this.room = room;
        this.who = who;
        this.publishers = publishers;
        this.listener = listener;
        this.signal = new SignalClient(config, tokens.call(room, who), false, new Signals(), timers, http, who.callId());
    }

    /** Joins and publishes; completes with the track sid once the server acknowledged the track and answered. */
    public CompletableFuture<String> join() {
        state = State.JOINING;
        signal.connect().whenComplete((j, e) -> {
            if (e != null) published.completeExceptionally(e.getCause() != null ? e.getCause() : e);
        });
        return published;
    }

    public State state() {
        return state;
    }

    /** True once the publisher's ICE and DTLS are up: the caller's audio reaches the room. */
    public boolean mediaConnected() {
        WebRtcSession p = publisher;
        return p != null && state == State.PUBLISHED && p.isConnected();
    }

    /** The signal connection (state, active speakers). */
    public SignalClient signal() {
        return signal;
    }

    public CallIdentity identity() {
        return who;
    }

    @Override
    public AudioCodec codec() {
        return AudioCodec.OPUS;
    }

    @Override
    public RtpPacketPool packetPool() {
        WebRtcSession p = publisher;
        return p != null ? p.packetPool() : idlePool;
    }

    /** One Opus frame of the caller; dropped (released) until the media connection is up. */
    @Override
    public void sendAudio(RtpPacket packet, int payloadLength, int rtpDuration) {
        WebRtcSession p = publisher;
        if (p == null || state != State.PUBLISHED) {
            packet.release();
            return;
        }
        p.sendAudio(packet, payloadLength, rtpDuration);
    }

    /**
     * Sends one digit the caller typed to the room as LiveKit SIP does: {@code DataPacket{sip_dtmf:
     * {code, digit}}}, reliable, to everybody (RFC 4733 event codes: 0-9, * = 10, # = 11, A-D = 12-15).
     *
     * @return false when the data channel is not open (yet): the digit is not sent
     */
    public boolean sendDtmf(char digit) {
        DataChannel ch = reliable;
        if (ch == null || ch.state() != DataChannel.State.OPEN) return false;
        int code = TelephoneEvent.fromChar(digit);
        if (code < 0) return false;
        byte[] packet = DataPacket.newBuilder().setKind(DataPacket.Kind.RELIABLE)
                .setParticipantIdentity(who.identity())
                .setSipDtmf(SipDTMF.newBuilder().setCode(code).setDigit(String.valueOf(digit)))
                .build().toByteArray();
        return ch.send(packet, true);
    }

    /** The rate of the PCM {@link #sendFrame} takes. */
    public int sampleRate() {
        return encoder.sampleRate();
    }

    /**
     * Encodes 20 ms of the caller's mono PCM at {@link #sampleRate} ({@code pcm[0, rate/50)}) and
     * sends it. Media clock thread.
     */
    public synchronized void sendFrame(short[] pcm) {
        WebRtcSession p = publisher;
        if (p == null || state != State.PUBLISHED || !p.isConnected()) return;
        RtpPacket packet = p.packetPool().acquire();
        int len = encoder.encode(pcm, 0, frameSamples, packet.buffer(), RtpPacket.FIXED_HEADER);
        if (len <= 0) {
            packet.release();
            return;
        }
        p.sendAudio(packet, len, FRAME_RTP_UNITS);
    }

    /**
     * Leaves the room and closes the media connection; idempotent. The signal client is called
     * outside our monitor: its callbacks come holding its own and then take ours.
     */
    @Override
    public void close() {
        WebRtcSession p;
        synchronized (this) {
            if (closed) return;
            closed = true;
            state = State.ENDED;
            p = publisher;
            publisher = null;
            encoder.close();
        }
        signal.leave();
        if (p != null) p.close();
    }

    private void end(DisconnectReason reason, String detail) {
        boolean first;
        synchronized (this) {
            first = state != State.ENDED;
            state = State.ENDED;
        }
        published.completeExceptionally(new LiveKitException(detail, reason));
        if (first) listener.onEnded(reason, detail);
        close();
    }

    /** The track id in our offer's a=msid line: LiveKit matches the published track to AddTrackRequest.cid by it. */
    static String msidTrack(String sdp) {
        for (String line : sdp.split("\r?\n")) {
            if (line.startsWith("a=msid:")) {
                String[] p = line.substring(7).trim().split("\\s+");
                if (p.length == 2) return p[1];
            }
        }
        throw new IllegalArgumentException("the offer has no a=msid track id");
    }

    /** The mid of the offer's audio m-line. */
    static String audioMid(String sdp) {
        boolean audio = false;
        for (String line : sdp.split("\r?\n")) {
            if (line.startsWith("m=")) audio = line.startsWith("m=audio");
            else if (audio && line.startsWith("a=mid:")) return line.substring(6).trim();
        }
        return "0";
    }

    private final class Signals implements SignalClient.Listener {
        @Override
        public void onJoined(JoinResponse join) {
            state = State.PUBLISHING;
            WebRtcSession pc;
            try {
                pc = publishers.offer(new Media());
            } catch (WebRtcException | RuntimeException e) {
                end(DisconnectReason.UNKNOWN_REASON, "cannot make the publisher connection: " + e.getMessage());
                return;
            }
            publisher = pc;
            openDataChannels(pc);
            String offer = pc.localDescription();
            String cid = msidTrack(offer);
            String mid = audioMid(offer);
            // LiveKit: announce the track first (AddTrackRequest), offer once it is acknowledged
            signal.addTrack(AddTrackRequest.newBuilder().setCid(cid).setName("microphone").setType(TrackType.AUDIO)
                    .setSource(TrackSource.MICROPHONE).build()).whenComplete((track, e) -> {
                        if (e != null) return; // the connection ended: onDisconnected says why
                        log.info("LiveKit room {}: microphone of {} published as {}", room, who.identity(), track.getSid());
                        listener.onPublished(track.getSid());
                        signal.sendOffer(offer, Map.of(mid, cid));
                        published.complete(track.getSid());
                    });
        }

        /** The channels LiveKit clients open on their publisher connection; only {@code _reliable} is used. */
        private void openDataChannels(WebRtcSession pc) {
            try {
                reliable = pc.createDataChannel("_reliable", true, -1);
                pc.createDataChannel("_lossy", false, 0);
            } catch (WebRtcException | RuntimeException e) {
                log.warn("LiveKit room {}: no data channel for {}, DTMF will not be relayed: {}", room, who.identity(),
                        e.getMessage());
            }
        }

        @Override
        public void onAnswer(SessionDescription answer) {
            WebRtcSession pc = publisher;
            if (pc == null) return;
            List<String[]> early;
            try {
                pc.applyAnswer(answer.getSdp());
                synchronized (LiveKitCallParticipant.this) {
                    answered = true;
                    early = List.copyOf(earlyCandidates);
                    earlyCandidates.clear();
                }
                for (String[] c : early) pc.addRemoteCandidate(c[0], c[1]);
                state = State.PUBLISHED;
            } catch (WebRtcException e) {
                end(DisconnectReason.UNKNOWN_REASON, "LiveKit's answer was refused: " + e.getMessage());
            }
        }

        @Override
        public void onTrickle(SignalTarget target, String candidate, String sdpMid) {
            if (target != SignalTarget.PUBLISHER || candidate == null) return;
            WebRtcSession pc = publisher;
            synchronized (LiveKitCallParticipant.this) {
                if (pc == null || !answered) {
                    earlyCandidates.add(new String[] {candidate, sdpMid});
                    return;
                }
            }
            try {
                pc.addRemoteCandidate(candidate, sdpMid);
            } catch (WebRtcException e) {
                log.debug("LiveKit candidate ignored: {}", e.getMessage());
            }
        }

        @Override
        public void onDisconnected(DisconnectReason reason, String detail) {
            if (state != State.ENDED) end(reason, detail);
        }
    }

    /**
     * The publisher connection: no media is received on it, only the room's data packets for this
     * participant; a failure ends the call's participant.
     */
    private final class Media implements WebRtcSession.Listener {
        private final String callId = who.callId();

        @Override
        public void onRtp(RtpPacket packet) {
            packet.release();
        }

        @Override
        public void onDataMessage(DataChannel channel, byte[] message, boolean binary) {
            DataPacket packet;
            try {
                packet = DataPacket.parseFrom(message);
            } catch (InvalidProtocolBufferException e) {
                log.debug("LiveKit room {}: unreadable data packet on {}: {}", room, channel.label(), e.getMessage());
                return;
            }
            if (!packet.hasSipDtmf()) return; // chat, transcriptions...: nothing a phone can hear
            SipDTMF dtmf = packet.getSipDtmf();
            char digit = dtmf.getDigit().length() == 1 ? Character.toUpperCase(dtmf.getDigit().charAt(0))
                    : TelephoneEvent.toChar(dtmf.getCode());
            if (TelephoneEvent.fromChar(digit) < 0) return;
            listener.onDtmf(digit, packet.getParticipantIdentity());
        }

        @Override
        public void onClosed(String reason) {
            if (state == State.ENDED) return;
            MDC.put("call", callId);
            try {
                log.warn("LiveKit room {}: media connection of {} lost: {}", room, who.identity(), reason);
            } finally {
                MDC.remove("call");
            }
            end(DisconnectReason.UNKNOWN_REASON, "media connection lost: " + reason);
        }
    }
}

package org.passerelle.gateway.call;

import java.time.Instant;
import org.passerelle.gateway.media.AudioParticipant;
import org.passerelle.gateway.media.AudioPort;
import org.passerelle.gateway.room.Participant;
import org.passerelle.gateway.room.RoomLimitException;
import org.passerelle.gateway.room.RoomRegistry;
import org.passerelle.sip.outbound.DialResult;
import org.passerelle.sip.outbound.OutboundCall;
import org.passerelle.transcoder.NanoClock;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A phone the gateway calls into a room (the admin API's dial-out): it rings, and once answered
 * joins the room like any caller. Its status is what the API reports.
 */
public final class DialOut implements OutboundCall.Listener {
    private static final Logger log = LoggerFactory.getLogger(DialOut.class);

    /** What the API says about a dial-out. */
    public enum Status { DIALING, RINGING, EARLY_MEDIA, ANSWERED, BUSY, NO_ANSWER, REJECTED, FAILED, ENDED }

    private final String id;
    private final String room;
    private final String target;
    private final String trunk;
    private final RoomRegistry rooms;
    private final Instant started = Instant.now();
    private volatile OutboundCall call;
    private volatile Status status = Status.DIALING;
    private volatile AudioParticipant media;
    private volatile DialResult result;
    private volatile Instant ended;

    DialOut(String id, String room, String target, String trunk, RoomRegistry rooms) {
        this.id = id;
        this.room = room;
        this.target = target;
        this.trunk = trunk;
        this.rooms = rooms;
    }

    void attach(OutboundCall call) {
        this.call = call;
    }

    public String id() { return id; }
    public String room() { return room; }
    public String target() { return target; }
    public String trunk() { return trunk; }
    public Status status() { return status; }
    public DialResult result() { return result; }
    public Instant started() { return started; }
    public Instant ended() { return ended; }

    /** Hangs up (CANCEL while ringing, BYE once answered). */
    public void hangup() {
        OutboundCall c = call;
        if (c != null) c.hangup();
    }

    @Override
    public void onRinging() {
        if (status == Status.DIALING) status = Status.RINGING;
    }

    @Override
    public void onEarlyMedia() {
        if (status == Status.DIALING || status == Status.RINGING) status = Status.EARLY_MEDIA;
    }

    @Override
    public void onAnswered() {
        MDC.put("call", call.callId());
        try {
            status = Status.ANSWERED;
            OutboundCall c = call;
            AudioPort port = new AudioPort() {
                @Override public AudioCodec codec() { return c.codec(); }
                @Override public RtpPacketPool packetPool() { return c.packetPool(); }
                @Override public void sendAudio(RtpPacket packet, int payloadLength, int rtpDuration) {
                    c.sendAudio(packet, payloadLength, rtpDuration);
                }
            };
            AudioParticipant p = new AudioParticipant(id, () -> target, Participant.Kind.PHONE, port, NanoClock.SYSTEM);
            media = p;
            try {
                rooms.join(room, p);
                log.info("dial-out to {} answered: in room {} with {}", target, room, c.codec());
            } catch (RoomLimitException e) {
                log.info("dial-out to {} answered but {}: hanging up", target, e.getMessage());
                c.hangup();
            }
        } finally {
            MDC.remove("call");
        }
    }

    @Override
    public void onRtp(RtpPacket packet) {
        AudioParticipant.deliver(media, packet);
    }

    @Override
    public void onEnded(DialResult r) {
        result = r;
        ended = Instant.now();
        status = switch (r.outcome()) {
            case ANSWERED -> Status.ENDED;
            case BUSY -> Status.BUSY;
            case NO_ANSWER -> Status.NO_ANSWER;
            case REJECTED -> Status.REJECTED;
            case FAILED -> Status.FAILED;
        };
        AudioParticipant p = media;
        if (p != null) {
            rooms.leave(room, p);
            p.close();
        }
        log.info("dial-out to {} ended: {} {} {}", target, r.outcome(), r.sipCode(), r.reason());
    }
}

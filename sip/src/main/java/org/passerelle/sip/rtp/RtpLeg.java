package org.passerelle.sip.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.passerelle.transcoder.NanoClock;
import org.passerelle.transcoder.dtmf.DtmfReceiver;
import org.passerelle.transcoder.dtmf.DtmfSender;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;
import org.passerelle.transcoder.rtp.SendBatch;
import org.passerelle.transcoder.srtp.PacketBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RTP stream of one SIP call on one even UDP port: receives into pooled packets, sends audio
 * with our SSRC, follows the phone's real source address (symmetric RTP, RFC 4961) and reports
 * silence longer than the RTP timeout. Nothing here logs or allocates per packet besides what
 * Netty needs to send a datagram.
 */
public final class RtpLeg implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RtpLeg.class);
    private static final int BIND_ATTEMPTS = 16;

    /** Where received packets and timeouts go. */
    public interface Receiver {
        /** An audio packet of the negotiated payload type; ownership passes. Event loop thread. */
        void onAudio(RtpPacket packet);

        /** No RTP for the timeout while watching; called once. Timer thread. */
        void onTimeout();

        /** A DTMF key press ended (RFC 4733), reported once per press. Event loop thread. */
        default void onDtmf(char key, int durationMs) {}
    }

    private final Channel channel;
    private final DatagramChannel socket;
    /** This leg as its media thread's batch sees it (made once: no allocation per packet). */
    private final SendBatch.Sender batchSender = this::sendNow;
    /** Reused by the sending thread. */
    private final ByteBuffer sendBuffer = ByteBuffer.allocateDirect(RtpPacket.MAX_SIZE + SdesSrtp.MAX_OVERHEAD);
    /** SDES-SRTP (RFC 4568) when negotiated, else null: plain RTP. */
    private volatile SdesSrtp srtp;
    /** Where a packet is encrypted before it is sent (under the send lock), and its view. */
    private final byte[] sendScratch = new byte[RtpPacket.MAX_SIZE + SdesSrtp.MAX_OVERHEAD];
    private final PacketBuffer sendView = new PacketBuffer();
    /** The receiving event loop's view of a packet it decrypts. */
    private final PacketBuffer receiveView = new PacketBuffer();
    private final int localPort;
    private final RtpPortAllocator ports;
    private final NanoClock clock;
    private final RtpPacketPool pool;
    private final Receiver receiver;
    private final RtpActivityWatch watch;
    private final ScheduledFuture<?> timer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean timedOut = new AtomicBoolean();

    private volatile int audioPayloadType = -1;
    private volatile int telephoneEventPayloadType = -1;
    private volatile InetSocketAddress sdpRemote;
    private volatile InetSocketAddress latched;
    private volatile boolean sending;

    // Sender state: sendAudio is called by one media thread at a time.
    private final long ssrc;
    private int sequence;
    private long timestamp;
    private boolean startOfTalkspurt = true;

    // RFC 4733 events. In: fed and polled on the event loop. Out: requests queued by signalling,
    // sent by the media thread in place of audio frames so they share its pacing and sequence.
    private volatile DtmfReceiver dtmfIn;
    private volatile DtmfSender dtmfOut;
    private final ConcurrentLinkedQueue<long[]> dtmfRequests = new ConcurrentLinkedQueue<>();
    private boolean dtmfSending;

    private volatile long received;
    private volatile long sent;
    private volatile long sendErrors;
    private volatile long srtpFailures;

    private RtpLeg(Channel channel, DatagramChannel socket, int localPort, RtpPortAllocator ports, NanoClock clock, RtpPacketPool pool,
                   Receiver receiver, Duration timeout) {
        this.channel = channel;
        this.socket = socket;
        this.localPort = localPort;
        this.ports = ports;
        this.clock = clock;
        this.pool = pool;
        this.receiver = receiver;
        this.watch = new RtpActivityWatch(clock, timeout.toNanos());
        ThreadLocalRandom r = ThreadLocalRandom.current();
        // Random SSRC, sequence and timestamp origins (RFC 3550 §5.1, §8).
        this.ssrc = r.nextLong(1, 1L << 32);
        this.sequence = r.nextInt(1 << 16);
        this.timestamp = r.nextLong(1L << 32);
        long period = Math.max(10, Math.min(1000, timeout.toMillis() / 4));
        this.timer = channel.eventLoop().scheduleAtFixedRate(this::checkTimeout, period, period, TimeUnit.MILLISECONDS);
    }

    /** Binds a free even port of the range on {@code bind}; fails when none can be bound. */
    public static RtpLeg open(EventLoopGroup group, InetAddress bind, RtpPortAllocator ports, NanoClock clock,
                              Duration timeout, RtpPacketPool pool, Receiver receiver) throws IOException {
        for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
            int port = ports.allocate();
            if (port < 0) throw new IOException("no free RTP port");
            DatagramChannel socket = null;
            try {
                socket = bind.getAddress().length == 4 && !bind.isAnyLocalAddress()
                        ? DatagramChannel.open(StandardProtocolFamily.INET) : DatagramChannel.open();
                socket.bind(new InetSocketAddress(bind, port));
            } catch (IOException e) {
                // Taken by another process: free the slot (round robin moves on) and try the next one.
                if (socket != null) socket.close();
                ports.release(port);
                LOG.debug("RTP port {} not bindable: {}", port, e.toString());
                continue;
            }
            // Netty reads (event loop); the leg writes straight to the same socket from the media
            // thread, so sending needs no task hand-off and no allocation (RFC 4961: one port both ways).
            Handler handler = new Handler();
            NioDatagramChannel ch = new NioDatagramChannel(socket);
            ch.pipeline().addLast(handler);
            // Registration completes on the event loop; the signalling thread does not wait for it
            // (that wait was on every INVITE's path, longest for the first calls). The socket is
            // bound already: RTP arriving before is queued by the kernel and read once registered,
            // and sending writes the socket directly. The channel knows its loop from here on, so
            // the timer and a close are queued behind the registration.
            io.netty.channel.ChannelFuture registered;
            try {
                registered = group.register(ch);
            } catch (RuntimeException e) {
                socket.close();
                ports.release(port);
                throw new IOException("cannot register RTP channel", e);
            }
            RtpLeg leg = new RtpLeg(ch, socket, port, ports, clock, pool, receiver, timeout);
            handler.leg = leg;
            registered.addListener(f -> {
                if (!f.isSuccess()) {
                    LOG.warn("RTP port {}: channel not registered, leg closed: {}", port, String.valueOf(f.cause()));
                    leg.close();
                }
            });
            return leg;
        }
        throw new IOException("could not bind an RTP port");
    }

    public int localPort() {
        return localPort;
    }

    /**
     * Applies a negotiation: payload types, the address from SDP, and whether we may send (not
     * while the phone holds the call or when it gave no address).
     */
    public void configure(int audioPt, int telephoneEventPt, InetSocketAddress remote, boolean send) {
        this.audioPayloadType = audioPt;
        this.telephoneEventPayloadType = telephoneEventPt;
        InetSocketAddress old = this.sdpRemote;
        this.sdpRemote = remote;
        // A new address in SDP means the phone moved: forget the latched source until RTP comes again.
        if (remote != null && !remote.equals(old) && old != null) latched = null;
        if (send && !sending) startOfTalkspurt = true;
        this.sending = send;
    }

    /**
     * Protects the stream with SDES-SRTP (RFC 4568) from now on, or plain RTP again with null.
     * The same keys again (a re-INVITE that changed nothing) keep the running contexts, whose
     * rollover counters must go on.
     *
     * @throws java.security.GeneralSecurityException when jitsi-srtp cannot make the contexts
     */
    public void configureSrtp(org.passerelle.sip.sdp.SdesKeys keys) throws java.security.GeneralSecurityException {
        SdesSrtp current = srtp;
        if (keys == null) {
            srtp = null;
        } else if (current == null || !current.keys().equals(keys)) {
            srtp = new SdesSrtp(keys, ssrc);
        }
    }

    /** True when the stream is SRTP. */
    public boolean secure() {
        return srtp != null;
    }

    /** SRTP packets dropped because they failed authentication or replay checks (RFC 3711 §3.3). */
    public long srtpFailures() {
        return srtpFailures;
    }

    /** Starts or restarts the RTP timeout (established, resumed); re-arms it if it fired. */
    public void watchActivity() {
        watch.resume();
        timedOut.set(false);
    }

    /** Stops the RTP timeout (on hold). */
    public void pauseActivityWatch() {
        watch.pause();
    }

    /** Where we send: the phone's observed RTP source once known, else its SDP address. */
    public InetSocketAddress target() {
        InetSocketAddress l = latched;
        return l != null ? l : sdpRemote;
    }

    public long packetsReceived() {
        return received;
    }

    public long packetsSent() {
        return sent;
    }

    /** Sends that failed with an I/O error (e.g. no route). */
    public long sendErrors() {
        return sendErrors;
    }

    /**
     * Writes the header of an audio frame whose payload is at {@link RtpPacket#FIXED_HEADER} and
     * sends it; takes ownership. Dropped when not sending or no address is known. One media
     * thread at a time; allocates nothing.
     */
    public void sendAudio(RtpPacket packet, int payloadLength, int rtpDuration) {
        InetSocketAddress to = target();
        int pt = audioPayloadType;
        if (!sending || to == null || pt < 0 || closed.get()
                || payloadLength < 0 || payloadLength > RtpPacket.MAX_SIZE - RtpPacket.FIXED_HEADER) {
            packet.release();
            return;
        }
        if (dtmfSending || !dtmfRequests.isEmpty()) {
            if (nextDtmf(packet, rtpDuration)) {
                sequence = (sequence + 1) & 0xffff;
                timestamp = (timestamp + rtpDuration) & 0xffffffffL;
                send(packet, to);
                return;
            }
        }
        // Marker on the first packet of a talkspurt (RFC 3551 §4.1).
        packet.writeHeader(pt, startOfTalkspurt, sequence, timestamp, ssrc, payloadLength);
        startOfTalkspurt = false;
        sequence = (sequence + 1) & 0xffff;
        timestamp = (timestamp + rtpDuration) & 0xffffffffL;
        send(packet, to);
    }

    /**
     * Writes the next telephone-event packet of the key press in progress (starting a queued one
     * if needed) into {@code packet}; false when there is none. The event's timestamp is that of
     * the frame it starts in; the audio timestamp keeps advancing underneath (RFC 4733 §2.5.1).
     */
    private boolean nextDtmf(RtpPacket packet, int rtpDuration) {
        DtmfSender out = dtmfOut;
        if (out == null) {
            dtmfRequests.clear();
            dtmfSending = false;
            return false;
        }
        if (!dtmfSending) {
            long[] req = dtmfRequests.poll();
            if (req == null) return false;
            int ptimeMs = Math.max(1, (int) ((long) rtpDuration * 1000 / out.clockRate()));
            try {
                out.start((char) req[0], (int) req[1], ptimeMs, timestamp);
            } catch (IllegalArgumentException e) {
                LOG.warn("DTMF {} not sent: {}", (char) req[0], e.getMessage());
                return false;
            }
            dtmfSending = true;
        }
        out.next(packet, sequence, ssrc);
        if (!out.hasNext()) {
            dtmfSending = false;
            startOfTalkspurt = true; // audio resumes after the event: a new talkspurt
        }
        return true;
    }

    /** Queued on the media thread's batch when it has one (written at the end of its tick), else written now. */
    private void send(RtpPacket packet, InetSocketAddress to) {
        SendBatch batch = SendBatch.current();
        if (batch != null && batch.add(batchSender, packet, to)) return;
        sendNow(packet, to);
    }

    /**
     * Writes a packet. Locked: when a call moves from its IVR room to its meeting room, the two
     * rooms' lanes may flush a packet of this leg at the same moment (uncontended otherwise).
     */
    private void sendNow(RtpPacket packet, InetSocketAddress to) {
        synchronized (sendBuffer) {
            sendBuffer.clear();
            SdesSrtp s = srtp;
            if (s == null) {
                sendBuffer.put(packet.buffer(), 0, packet.length());
                packet.release();
            } else {
                // Encrypted in our scratch array, which has room for the tag (RFC 3711 §3.1).
                int len = packet.length();
                System.arraycopy(packet.buffer(), 0, sendScratch, 0, len);
                packet.release();
                if (!s.protectRtp(sendView.wrap(sendScratch, 0, len))) {
                    sendErrors++;
                    return;
                }
                sendBuffer.put(sendScratch, 0, sendView.getLength());
            }
            sendBuffer.flip();
            try {
                // Non-blocking: 0 when the socket buffer is full, and then the frame is lost, as RTP allows.
                if (socket.send(sendBuffer, to) > 0) sent++;
            } catch (IOException e) {
                sendErrors++;
            }
        }
    }

    /** SSRC of what we send. */
    public long ssrc() {
        return ssrc;
    }

    /**
     * Sets the clocks of RFC 4733 events once telephone-event is negotiated: events we send use
     * the audio stream's timestamp clock (RFC 4733 §2.1: same SSRC and timing as the audio);
     * events we receive are read at the rate their rtpmap gives.
     */
    public void configureDtmf(int audioClockRate, int telephoneEventRate) {
        if (telephoneEventPayloadType < 0) {
            dtmfIn = null;
            dtmfOut = null;
            return;
        }
        int inRate = telephoneEventRate > 0 ? telephoneEventRate : audioClockRate;
        DtmfReceiver in = dtmfIn;
        if (in == null || in.clockRate() != inRate) {
            dtmfIn = new DtmfReceiver(inRate, clock, (key, durationMs, ts) -> receiver.onDtmf(key, durationMs));
        }
        DtmfSender out = dtmfOut;
        if (out == null || out.payloadType() != telephoneEventPayloadType || out.clockRate() != audioClockRate) {
            dtmfOut = new DtmfSender(telephoneEventPayloadType, audioClockRate);
        }
    }

    /**
     * Queues a key press to send as RFC 4733 events; returns false when telephone-event was not
     * negotiated. The packets replace audio frames from the next {@link #sendAudio} on.
     */
    public boolean sendDtmf(char key, int durationMs) {
        if (dtmfOut == null || org.passerelle.transcoder.dtmf.TelephoneEvent.fromChar(key) < 0) return false;
        dtmfRequests.add(new long[] {key, durationMs});
        return true;
    }

    /** An RFC 4733 telephone-event packet (event loop thread). */
    void onTelephoneEvent(RtpPacket packet) {
        DtmfReceiver in = dtmfIn;
        if (in != null) in.receive(packet);
        packet.release();
    }

    private void onDatagram(DatagramPacket dp) {
        ByteBuf content = dp.content();
        int len = content.readableBytes();
        if (len < RtpPacket.FIXED_HEADER || len > RtpPacket.MAX_SIZE || closed.get()) return;
        long now = clock.nanoTime();
        RtpPacket p = pool.acquire();
        content.getBytes(content.readerIndex(), p.buffer(), 0, len);
        p.setLength(len);
        p.setArrivalNanos(now);
        if (!p.isValid()) {
            p.release();
            return;
        }
        SdesSrtp s = srtp;
        if (s != null) {
            // RTCP multiplexed on this port: nothing we use, dropped before the SRTP check.
            if (RtpPacket.isMultiplexedRtcp(p.buffer(), 0)) {
                p.release();
                return;
            }
            if (!s.unprotectRtp(receiveView.wrap(p.buffer(), 0, len))) {
                srtpFailures++;
                p.release();
                return;
            }
            p.setLength(receiveView.getLength());
            if (!p.isValid()) {
                p.release();
                return;
            }
        }
        int pt = p.payloadType();
        boolean audio = pt == audioPayloadType;
        boolean dtmf = !audio && pt == telephoneEventPayloadType;
        if (!audio && !dtmf) {
            // RTCP multiplexed or unknown payload: not ours to use.
            p.release();
            return;
        }
        InetSocketAddress from = dp.sender();
        if (from != null && !from.equals(latched)) latched = from;
        watch.packetAt(now);
        received++;
        if (audio) {
            receiver.onAudio(p);
        } else {
            onTelephoneEvent(p);
        }
    }

    private void checkTimeout() {
        DtmfReceiver in = dtmfIn;
        if (in != null) in.poll(); // reports a key whose end packets were all lost
        if (watch.expired() && timedOut.compareAndSet(false, true)) {
            watch.pause();
            receiver.onTimeout();
        }
    }

    /** Closes the channel and frees the port. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        timer.cancel(false);
        sending = false;
        channel.close().addListener(f -> ports.release(localPort));
    }

    private static final class Handler extends ChannelInboundHandlerAdapter {
        volatile RtpLeg leg;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                RtpLeg l = leg;
                if (l != null && msg instanceof DatagramPacket dp) l.onDatagram(dp);
            } finally {
                io.netty.util.ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP port unreachable and the like: keep the channel, the timeout decides.
            LOG.debug("RTP channel error: {}", cause.toString());
        }
    }
}

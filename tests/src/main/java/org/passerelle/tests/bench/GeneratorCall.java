package org.passerelle.tests.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import javax.sip.Dialog;

/**
 * One call of the {@link LoadGenerator}: its SIP state, its RTP socket and what it measured.
 * SIP fields are written by JAIN-SIP threads, RTP sending by the sender thread, reception by the
 * receiver thread; the few fields shared across them are volatile.
 */
final class GeneratorCall {
    enum State { NEW, INVITING, ESTABLISHED, FAILED, ENDED_BY_GATEWAY, BYE_SENT, DONE }

    final int index;
    final String room;
    final boolean talker;
    final LoadGenerator.Room roomStats;
    final DatagramChannel channel;
    final byte[] pattern;
    private final ByteBuffer out = ByteBuffer.allocate(12 + GeneratorAudio.FRAME);
    private final long ssrc;

    volatile State state = State.NEW;
    volatile Dialog dialog;
    volatile String callId;
    volatile int failureCode;
    long inviteNanos;
    volatile long okNanos;

    // sending (sender thread)
    private int sendSeq;
    private long sendFrames;

    // receiving (receiver thread), RFC 3550 §A.1 and §A.8
    long firstAudioNanos;
    long received;
    long receivedInHold;
    private boolean started;
    private int baseSeq;
    private long cycles;
    private int maxSeq;
    private long prevTransit;
    private boolean hasTransit;
    double jitterUnits;
    private boolean inBurst;
    /** The talker's burst last timed here: a burst is timed once, at its first onset. */
    private long timedBurst;
    /** Onsets seen again within a burst already timed (the audio dropped out mid-burst). */
    long burstRestarts;

    GeneratorCall(int index, String room, boolean talker, LoadGenerator.Room roomStats) throws IOException {
        this.index = index;
        this.room = room;
        this.talker = talker;
        this.roomStats = roomStats;
        this.pattern = GeneratorAudio.pattern(talker, index);
        this.ssrc = 0x10000000L + index;
        channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress("127.0.0.1", 0));
        channel.configureBlocking(false);
    }

    int localRtpPort() throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    /** Sends the next 20 ms of PCMU (sender thread); a talker notes when each burst starts. */
    void sendFrame(long now) {
        int frame = (int) (sendFrames % GeneratorAudio.FRAMES_PER_SECOND);
        out.clear();
        out.put((byte) 0x80).put((byte) (sendSeq == 0 ? 0x80 : 0x00)) // marker on the first packet
                .putShort((short) sendSeq).putInt((int) (sendFrames * GeneratorAudio.FRAME)).putInt((int) ssrc);
        out.put(pattern, frame * GeneratorAudio.FRAME, GeneratorAudio.FRAME);
        out.flip();
        if (talker && frame == 0) roomStats.burstSentNanos = now;
        try {
            channel.write(out);
        } catch (IOException e) {
            // ICMP port unreachable after the gateway closed the leg: the call is ending anyway.
        }
        sendSeq = (sendSeq + 1) & 0xffff;
        sendFrames++;
    }

    long framesSent() {
        return sendFrames;
    }

    /** One RTP packet from the gateway (receiver thread). */
    void onRtp(ByteBuffer b, long now, boolean holding) {
        if (b.remaining() < 12 || (b.get(0) & 0xC0) != 0x80) return;
        int seq = b.getShort(2) & 0xffff;
        long ts = b.getInt(4) & 0xffffffffL;
        int cc = b.get(0) & 0x0f;
        int off = 12 + 4 * cc;
        if (off > b.limit()) return;
        received++;
        if (holding) receivedInHold++;
        if (!started) {
            started = true;
            baseSeq = seq;
            maxSeq = seq;
        } else {
            int delta = (seq - maxSeq) & 0xffff;
            if (delta < 0x8000 && delta > 0) {
                if (seq < maxSeq) cycles += 0x10000;
                maxSeq = seq;
            }
        }
        // Interarrival jitter in RTP units (8 kHz), RFC 3550 §A.8.
        long arrivalUnits = now / 125_000L;
        long transit = arrivalUnits - ts;
        if (hasTransit) {
            long d = Math.abs(transit - prevTransit);
            jitterUnits += (d - jitterUnits) / 16.0;
        }
        prevTransit = transit;
        hasTransit = true;

        int peak = GeneratorAudio.peak(b.array(), off, b.limit() - off);
        if (firstAudioNanos == 0 && peak >= GeneratorAudio.AUDIO_PEAK) firstAudioNanos = now;
        if (!talker) {
            if (!inBurst && peak >= GeneratorAudio.BURST_PEAK) {
                inBurst = true;
                long sent = roomStats.burstSentNanos;
                long latency = now - sent;
                if (sent != 0 && sent == timedBurst) {
                    // A dropout inside the burst, not a new burst: timing it would add the
                    // dropout's place in the burst to the latency.
                    if (holding) burstRestarts++;
                } else if (holding && sent != 0 && latency > 0 && latency < 500_000_000L) {
                    timedBurst = sent;
                    roomStats.latencies.add(latency);
                    long half = LoadGenerator.holdSecondHalfNanos;
                    if (half != 0 && now >= half) roomStats.lateLatencies.add(latency);
                }
            } else if (inBurst && peak < GeneratorAudio.BURST_END_PEAK) {
                inBurst = false;
            }
        }
    }

    /** Packets the gateway sent us by sequence number (RFC 3550 §A.3 "expected"). */
    long expected() {
        return started ? cycles + maxSeq - baseSeq + 1 : 0;
    }

    long lost() {
        return Math.max(0, expected() - received);
    }

    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}

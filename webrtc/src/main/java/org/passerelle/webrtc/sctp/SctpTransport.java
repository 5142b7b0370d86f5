package org.passerelle.webrtc.sctp;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.passerelle.transcoder.NanoClock;
import org.passerelle.webrtc.DataChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Data channels (RFC 8831) over one {@link SctpAssociation} carried by DTLS (RFC 8261): DCEP
 * (RFC 8832), stream ids by DTLS role, closing by stream reset. Thread-safe: packets from the
 * DTLS thread, timers from a scheduler and the application's calls all take one lock; events go
 * to {@link Events} outside it, in order.
 */
public final class SctpTransport {
    private static final Logger LOG = LoggerFactory.getLogger(SctpTransport.class);
    /** The DTLS server starts the association itself if no INIT came by then (peers normally send one). */
    static final long SERVER_INIT_DELAY_NANOS = 500_000_000L;

    /** Channel events, on a network or timer thread (or the caller's, for our own channels). */
    public interface Events {
        void onChannel(DataChannel channel);

        void onMessage(DataChannel channel, byte[] message, boolean binary);

        void onChannelClosed(DataChannel channel);
    }

    /** Runs timer work later (a scheduled executor in production, a fake clock's queue in tests). */
    @FunctionalInterface
    public interface Scheduler {
        /** Runs {@code task} after {@code delayNanos}; the result cancels it. */
        Runnable schedule(Runnable task, long delayNanos);

        static Scheduler of(ScheduledExecutorService executor) {
            return (task, delay) -> {
                ScheduledFuture<?> f = executor.schedule(task, delay, TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            };
        }
    }

    /** Sends one SCTP packet as a DTLS record. */
    @FunctionalInterface
    public interface PacketSender {
        void send(byte[] b, int off, int len) throws IOException;
    }

    private final Object lock = new Object();
    private final SctpAssociation association;
    private final PacketSender sender;
    private final Events events;
    private final NanoClock clock;
    private final Scheduler timer;
    private final String mdc;
    private final Map<Integer, SctpDataChannel> channels = new HashMap<>();
    private final List<SctpDataChannel> waiting = new ArrayList<>();
    private final ArrayDeque<Runnable> pending = new ArrayDeque<>();
    private boolean draining;
    private boolean started, dtlsClient, closed;
    private long initAt = Long.MAX_VALUE;
    private Runnable timerTask;
    private long timerAt = Long.MAX_VALUE;
    private long sendFailures;
    /** The peer's a=max-message-size (RFC 8841 §6.1); 0: none. */
    private volatile long peerMaxMessage;

    public SctpTransport(SctpAssociation.Config config, PacketSender sender, Events events, NanoClock clock,
                         Scheduler timer, Random random, String mdc) {
        this.sender = sender;
        this.events = events;
        this.clock = clock;
        this.timer = timer;
        this.mdc = mdc;
        this.association = new SctpAssociation(config, new Output(), random);
    }

    /** DTLS is up: the client sends INIT now, the server a little later unless the peer did (RFC 8841 §5). */
    public void start(boolean dtlsClient) {
        synchronized (lock) {
            if (started || closed) return;
            started = true;
            this.dtlsClient = dtlsClient;
            long now = clock.nanoTime();
            if (dtlsClient) association.connect(now);
            else initAt = now + SERVER_INIT_DELAY_NANOS;
            reschedule(now);
        }
        drain();
    }

    /** One decrypted DTLS record: an SCTP packet. */
    public void receive(byte[] b, int off, int len) {
        synchronized (lock) {
            if (closed) return;
            long now = clock.nanoTime();
            association.feed(b, off, len, now);
            reschedule(now);
        }
        drain();
    }

    /** A channel of ours: CONNECTING until the association is up, then DCEP OPEN is sent and it is OPEN. */
    public DataChannel createChannel(String label, boolean ordered, int maxRetransmits) {
        // RFC 8832 §5.1: the label length is a 16-bit field; retransmissions are capped like browsers do
        if (label.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 65535) {
            throw new IllegalArgumentException("a data channel label is at most 65535 bytes");
        }
        maxRetransmits = maxRetransmits < 0 ? -1 : Math.min(maxRetransmits, 65535);
        SctpDataChannel ch = new SctpDataChannel(this, -1, label, "", ordered, maxRetransmits, false);
        synchronized (lock) {
            if (closed) {
                ch.state(DataChannel.State.CLOSED);
                return ch;
            }
            waiting.add(ch);
            if (association.isEstablished()) openWaiting();
            reschedule(clock.nanoTime());
        }
        drain();
        return ch;
    }

    /** The remote description's a=max-message-size (RFC 8841 §6.1): bigger messages are refused; 0 = no limit. */
    public void peerMaxMessageSize(long bytes) {
        peerMaxMessage = bytes;
    }

    public SctpAssociation.State state() {
        synchronized (lock) {
            return association.state();
        }
    }

    /** Aborts the association (the session closes); channels are reported closed. */
    public void close() {
        synchronized (lock) {
            if (closed) return;
            association.abort("closed");
            closeAll();
        }
        drain();
    }

    long sendFailures() { return sendFailures; }

    SctpAssociation association() { return association; }

    boolean send(SctpDataChannel ch, byte[] message, boolean binary) {
        synchronized (lock) {
            if (ch.state() != DataChannel.State.OPEN || closed) return false;
            long max = peerMaxMessage;
            if (max > 0 && message.length > max) return false;
            byte[] payload = message.length == 0 ? new byte[1] : message;
            long now = clock.nanoTime();
            boolean ok = association.send(ch.streamId(), DataChannelProtocol.ppid(message, binary), payload,
                    ch.ordered() || !ch.acked, ch.maxRetransmits(), now);
            reschedule(now);
            return ok;
        }
    }

    void closeChannel(SctpDataChannel ch) {
        synchronized (lock) {
            DataChannel.State s = ch.state();
            if (s == DataChannel.State.CLOSED || s == DataChannel.State.CLOSING) return;
            if (s == DataChannel.State.CONNECTING) {
                waiting.remove(ch);
                closed(ch);
            } else {
                ch.state(DataChannel.State.CLOSING);
                requestReset(ch);
            }
            reschedule(clock.nanoTime());
        }
        drain();
    }

    // --- under lock ---

    private void requestReset(SctpDataChannel ch) {
        if (ch.resetRequested) return;
        ch.resetRequested = true;
        association.resetStreams(new int[] {ch.streamId()}, clock.nanoTime());
    }

    /** RFC 8832 §6: DTLS client even stream ids, server odd. */
    private void openWaiting() {
        long now = clock.nanoTime();
        for (SctpDataChannel ch : List.copyOf(waiting)) {
            int id = freeStream();
            if (id < 0) {
                LOG.warn("data channel '{}' not opened: no free SCTP stream", ch.label());
                waiting.remove(ch);
                closed(ch);
                continue;
            }
            ch.streamId(id);
            channels.put(id, ch);
            waiting.remove(ch);
            byte[] open = DataChannelProtocol.open(new DataChannelProtocol.Open(ch.label(), ch.protocol(),
                    ch.ordered(), ch.maxRetransmits(), 0));
            // §6: DCEP messages are sent ordered and reliably
            association.send(id, DataChannelProtocol.PPID_DCEP, open, true, -1, now);
            ch.state(DataChannel.State.OPEN);
            pending.add(() -> events.onChannel(ch));
        }
    }

    private int freeStream() {
        for (int id = dtlsClient ? 0 : 1; id < association.outboundStreams(); id += 2) {
            if (!channels.containsKey(id)) return id;
        }
        return -1;
    }

    private void onMessage(int stream, int ppid, byte[] data) {
        SctpDataChannel ch = channels.get(stream);
        if (ppid == DataChannelProtocol.PPID_DCEP) {
            if (DataChannelProtocol.isAck(data)) {
                if (ch != null) ch.acked = true;
                return;
            }
            DataChannelProtocol.Open open = DataChannelProtocol.parseOpen(data);
            if (open == null || ch != null) {
                LOG.debug("DCEP message on stream {} ignored ({})", stream, open == null ? "malformed" : "stream in use");
                return;
            }
            SctpDataChannel opened = new SctpDataChannel(this, stream, open.label(), open.protocol(), open.ordered(),
                    open.maxRetransmits(), true);
            channels.put(stream, opened);
            association.send(stream, DataChannelProtocol.PPID_DCEP, DataChannelProtocol.ack(), true, -1,
                    clock.nanoTime());
            opened.state(DataChannel.State.OPEN);
            pending.add(() -> events.onChannel(opened));
            return;
        }
        if (ch == null || ch.state() != DataChannel.State.OPEN) return;
        boolean binary;
        byte[] message = data;
        switch (ppid) {
            case DataChannelProtocol.PPID_STRING, DataChannelProtocol.PPID_STRING_PARTIAL -> binary = false;
            case DataChannelProtocol.PPID_BINARY, DataChannelProtocol.PPID_BINARY_PARTIAL -> binary = true;
            case DataChannelProtocol.PPID_STRING_EMPTY -> { binary = false; message = new byte[0]; }
            case DataChannelProtocol.PPID_BINARY_EMPTY -> { binary = true; message = new byte[0]; }
            default -> { return; }
        }
        byte[] m = message;
        pending.add(() -> events.onMessage(ch, m, binary));
    }

    /** RFC 8831 §6.7: the peer reset its side; we reset ours, and the channel is closed when both are. */
    private void onIncomingReset(int[] streams) {
        for (int s : streams) {
            SctpDataChannel ch = channels.get(s);
            if (ch == null) continue;
            ch.incomingReset = true;
            if (ch.state() == DataChannel.State.OPEN) ch.state(DataChannel.State.CLOSING);
            requestReset(ch);
            if (ch.outgoingReset) closed(ch);
        }
    }

    private void onOutgoingReset(int[] streams) {
        for (int s : streams) {
            SctpDataChannel ch = channels.get(s);
            if (ch == null) continue;
            ch.outgoingReset = true;
            if (ch.incomingReset) closed(ch);
        }
    }

    private void closed(SctpDataChannel ch) {
        if (ch.state() == DataChannel.State.CLOSED) return;
        ch.state(DataChannel.State.CLOSED);
        if (ch.streamId() >= 0) channels.remove(ch.streamId(), ch);
        pending.add(() -> events.onChannelClosed(ch));
    }

    private void closeAll() {
        closed = true;
        for (SctpDataChannel ch : List.copyOf(channels.values())) closed(ch);
        for (SctpDataChannel ch : List.copyOf(waiting)) closed(ch);
        waiting.clear();
        if (timerTask != null) timerTask.run();
    }

    private void reschedule(long now) {
        if (closed) return;
        long next = Math.min(association.nextTimeoutNanos(), initAt);
        if (next == Long.MAX_VALUE || next >= timerAt) return;
        if (timerTask != null) timerTask.run();
        timerAt = next;
        timerTask = timer.schedule(this::onTimer, Math.max(0, next - now));
    }

    private void onTimer() {
        String previous = MDC.get("call");
        MDC.put("call", mdc);
        try {
            synchronized (lock) {
                timerAt = Long.MAX_VALUE;
                timerTask = null;
                if (closed) return;
                long now = clock.nanoTime();
                if (initAt <= now) {
                    initAt = Long.MAX_VALUE;
                    association.connectUnlessPeerStarted(now);
                }
                association.onTimer(now);
                reschedule(now);
            }
            drain();
        } catch (RuntimeException e) {
            LOG.warn("SCTP timer failed", e);
        } finally {
            if (previous == null) MDC.remove("call");
            else MDC.put("call", previous);
        }
    }

    /** Runs queued events outside the lock, one thread at a time, in order. */
    private void drain() {
        while (true) {
            Runnable r;
            synchronized (pending) {
                if (draining) return;
                synchronized (lock) {
                    r = pending.poll();
                }
                if (r == null) return;
                draining = true;
            }
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("data channel listener failed", e);
            } finally {
                synchronized (pending) {
                    draining = false;
                }
            }
        }
    }

    /** Logs with the session's MDC "call" (application threads call in too). */
    private void log(String format, Object arg) {
        String previous = MDC.get("call");
        MDC.put("call", mdc);
        try {
            LOG.info(format, arg);
        } finally {
            if (previous == null) MDC.remove("call");
            else MDC.put("call", previous);
        }
    }

    /** The association's output, under the lock. */
    private final class Output implements SctpAssociation.Output {
        @Override
        public void sendPacket(byte[] b, int off, int len) {
            try {
                sender.send(b, off, len);
            } catch (IOException | RuntimeException e) {
                sendFailures++;
            }
        }

        @Override
        public void onEstablished() {
            log("SCTP association established: {} outbound streams", association.outboundStreams());
            initAt = Long.MAX_VALUE;
            openWaiting();
        }

        @Override
        public void onMessage(int stream, int ppid, byte[] data) {
            SctpTransport.this.onMessage(stream, ppid, data);
        }

        @Override
        public void onIncomingStreamsReset(int[] streams) {
            onIncomingReset(streams);
        }

        @Override
        public void onOutgoingStreamsReset(int[] streams) {
            onOutgoingReset(streams);
        }

        @Override
        public void onClosed(String reason) {
            log("SCTP association ended: {}", reason);
            closeAll();
        }
    }
}

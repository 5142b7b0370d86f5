package org.passerelle.gateway.browser;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.passerelle.gateway.room.RoomRegistry;
import org.passerelle.transcoder.NanoClock;

/**
 * The server side of the room page's signalling (docs/signalling.md): what every browser session
 * shares (rooms, the WebRTC factory, the liveness timeout, the clock) and the sessions alive now.
 */
public final class BrowserSignalling implements AutoCloseable {
    /** RFC 6455 §5.5.2: pings every 10 s, or more often when the timeout is short. */
    private static final Duration PING_INTERVAL = Duration.ofSeconds(10);

    final RoomRegistry rooms;
    final WebRtcSessionFactory webRtc;
    final NanoClock clock;
    final ObjectMapper json = new ObjectMapper();
    private final Duration timeout;
    private final Set<BrowserSession> live = ConcurrentHashMap.newKeySet();

    /**
     * @param timeout a browser silent this long (no pong, no message) leaves its room
     */
    public BrowserSignalling(RoomRegistry rooms, WebRtcSessionFactory webRtc, Duration timeout, NanoClock clock) {
        this.rooms = rooms;
        this.webRtc = webRtc;
        this.timeout = timeout;
        this.clock = clock;
    }

    public Duration timeout() {
        return timeout;
    }

    /** How often the socket should call {@link BrowserSession#onPingTimer()}. */
    public Duration pingInterval() {
        Duration half = timeout.dividedBy(2);
        return half.compareTo(PING_INTERVAL) < 0 ? half : PING_INTERVAL;
    }

    /** A new socket: its session runs its events one at a time on its own virtual thread. */
    public BrowserSession open(SignallingChannel channel) {
        String id = "web-" + UUID.randomUUID().toString().substring(0, 8);
        ExecutorService serial = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("browser-" + id).factory());
        return open(id, channel, serial);
    }

    /** As above with a given executor, which must run tasks one at a time in order (tests: direct). */
    public BrowserSession open(String id, SignallingChannel channel, java.util.concurrent.Executor serial) {
        BrowserSession s = new BrowserSession(id, channel, serial, this);
        live.add(s);
        return s;
    }

    void closed(BrowserSession s) {
        live.remove(s);
    }

    /** Sessions open now (connected, joining or in a room). */
    public int size() {
        return live.size();
    }

    /** Gateway shutdown: every browser leaves and its socket is closed. */
    @Override
    public void close() {
        for (BrowserSession s : List.copyOf(live)) s.shutdown();
    }
}

package org.passerelle.gateway.media;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.passerelle.gateway.room.Room;
import org.passerelle.transcoder.rtp.SendBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 20 ms heartbeat of the media path. Rooms are spread over one lane per core, each a thread
 * that ticks its rooms; a room always stays on its lane, so its mixer is only ever touched by one
 * thread. Deadlines are absolute (start + n × 20 ms) so the clock does not drift; when a tick
 * overruns, the late ones are run at once rather than skipped, up to a bound, so every stream
 * still gets 50 frames a second.
 */
public final class MediaClock implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MediaClock.class);
    public static final long PERIOD_NANOS = 20_000_000L;
    /** Beyond this many periods behind, a lane resynchronises instead of catching up. */
    private static final int MAX_CATCH_UP = 5;
    /** Datagrams one lane queues per tick before writing the rest at once: 4096 phones. */
    private static final int BATCH_CAPACITY = 4096;

    private final List<Lane> lanes = new ArrayList<>();
    private final Map<Room, Lane> placement = new ConcurrentHashMap<>();
    private final AtomicLong overruns = new AtomicLong();

    /** One lane per available processor. */
    public MediaClock() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public MediaClock(int laneCount) {
        for (int i = 0; i < Math.max(1, laneCount); i++) lanes.add(new Lane(i));
    }

    public void start() {
        for (Lane l : lanes) l.thread.start();
    }

    /** Starts ticking a room, on the lane with the fewest participants now. */
    public synchronized void add(Room room) {
        if (placement.containsKey(room)) return;
        Lane best = lanes.get(0);
        for (Lane l : lanes) if (l.load() < best.load()) best = l;
        best.rooms.add(room);
        placement.put(room, best);
    }

    public synchronized void remove(Room room) {
        Lane l = placement.remove(room);
        if (l != null) l.rooms.remove(room);
    }

    /** Ticks that started more than {@value #MAX_CATCH_UP} periods late, over all lanes. */
    public long overruns() {
        return overruns.get();
    }

    public int lanes() {
        return lanes.size();
    }

    private final class Lane {
        final CopyOnWriteArrayList<Room> rooms = new CopyOnWriteArrayList<>();
        final Thread thread;
        volatile boolean running = true;

        Lane(int index) {
            thread = Thread.ofPlatform().name("media-clock-" + index).daemon().unstarted(this::loop);
            thread.setPriority(Thread.MAX_PRIORITY);
        }

        int load() {
            int n = 0;
            for (Room r : rooms) n += r.size();
            return n;
        }

        void loop() {
            // The phones' RTP of a tick leaves together once the tick is done (SendBatch says why).
            SendBatch batch = new SendBatch(BATCH_CAPACITY);
            batch.bind();
            long next = System.nanoTime();
            while (running) {
                long now = System.nanoTime();
                if (now < next) {
                    LockSupport.parkNanos(next - now);
                    continue;
                }
                if (now - next > MAX_CATCH_UP * PERIOD_NANOS) {
                    overruns.incrementAndGet();
                    next = now;
                }
                for (Room room : rooms) {
                    try {
                        room.tick();
                    } catch (RuntimeException e) {
                        // One broken room must not silence the others.
                        log.error("room {} tick failed", room.name(), e);
                    }
                }
                batch.flush();
                next += PERIOD_NANOS;
            }
        }
    }

    @Override
    public void close() {
        for (Lane l : lanes) {
            l.running = false;
            LockSupport.unpark(l.thread);
        }
        for (Lane l : lanes) {
            try {
                l.thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

package org.passerelle.gateway.media;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.passerelle.gateway.room.Room;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 20 ms heartbeat of the media path: one thread ticks every open room. Deadlines are absolute
 * (start + n × 20 ms) so the clock does not drift; when a tick overruns, the late ones are run at
 * once rather than skipped, up to a bound, so every stream still gets 50 frames a second.
 */
public final class MediaClock implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MediaClock.class);
    public static final long PERIOD_NANOS = 20_000_000L;
    /** Beyond this many periods behind, the clock resynchronises instead of catching up. */
    private static final int MAX_CATCH_UP = 5;

    private final CopyOnWriteArrayList<Room> rooms = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private long overruns;

    public MediaClock() {
        thread = Thread.ofPlatform().name("media-clock").daemon().unstarted(this::loop);
        thread.setPriority(Thread.MAX_PRIORITY);
    }

    public void start() {
        thread.start();
    }

    public void add(Room room) {
        rooms.addIfAbsent(room);
    }

    public void remove(Room room) {
        rooms.remove(room);
    }

    /** Ticks that started more than one period late. */
    public long overruns() {
        return overruns;
    }

    private void loop() {
        long next = System.nanoTime();
        while (running) {
            long now = System.nanoTime();
            if (now < next) {
                LockSupport.parkNanos(next - now);
                continue;
            }
            if (now - next > MAX_CATCH_UP * PERIOD_NANOS) {
                overruns++;
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
            next += PERIOD_NANOS;
        }
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

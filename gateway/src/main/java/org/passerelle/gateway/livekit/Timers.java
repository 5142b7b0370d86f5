package org.passerelle.gateway.livekit;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Delayed tasks for the signalling timers (ping, pong timeout, reconnect back-off); tests advance a fake. */
public interface Timers {
    /** A scheduled task that can be cancelled. */
    interface Task {
        void cancel();
    }

    Task schedule(Runnable task, Duration delay);

    /** Timers on a scheduler (one shared, single-threaded scheduler is enough: tasks are tiny). */
    static Timers on(ScheduledExecutorService scheduler) {
        return (task, delay) -> {
            var f = scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };
    }
}

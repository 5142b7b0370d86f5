package org.passerelle.gateway.livekit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Timers that fire only when the test advances time. */
final class ManualTimers implements Timers {
    private final List<Entry> entries = new ArrayList<>();
    private long now;

    private final class Entry implements Task {
        final long due;
        final Runnable task;
        boolean cancelled;

        Entry(long due, Runnable task) {
            this.due = due;
            this.task = task;
        }

        @Override
        public void cancel() {
            synchronized (ManualTimers.this) {
                cancelled = true;
            }
        }
    }

    @Override
    public synchronized Task schedule(Runnable task, Duration delay) {
        Entry e = new Entry(now + delay.toNanos(), task);
        entries.add(e);
        return e;
    }

    /** Runs, in order, every task due within {@code d}. */
    void advance(Duration d) {
        long until;
        synchronized (this) {
            until = now + d.toNanos();
        }
        while (true) {
            Entry next;
            synchronized (this) {
                next = entries.stream().filter(e -> !e.cancelled && e.due <= until)
                        .min(Comparator.comparingLong(e -> e.due)).orElse(null);
                if (next == null) {
                    now = until;
                    return;
                }
                entries.remove(next);
                now = next.due;
            }
            next.task.run();
        }
    }

    /** The fake time, in nanoseconds since the start: a clock for code that reads one. */
    synchronized long now() {
        return now;
    }

    synchronized int pending() {
        return (int) entries.stream().filter(e -> !e.cancelled).count();
    }
}

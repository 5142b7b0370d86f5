package org.passerelle.sip;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs tasks one at a time, in submission order, on a backing executor (one per call). */
public final class SerialExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Executor backing;

    public SerialExecutor(Executor backing) {
        this.backing = backing;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        schedule();
    }

    private void schedule() {
        if (!tasks.isEmpty() && scheduled.compareAndSet(false, true)) {
            try {
                backing.execute(this::drain);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // Shut down: nothing will run any more.
                tasks.clear();
                LOG.debug("call executor shut down, tasks dropped");
            }
        }
    }

    private void drain() {
        try {
            Runnable r;
            while ((r = tasks.poll()) != null) {
                try {
                    r.run();
                } catch (RuntimeException | Error e) {
                    LOG.error("call task failed", e);
                }
            }
        } finally {
            scheduled.set(false);
            schedule();
        }
    }
}

package org.passerelle.gateway.livekit;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import livekit.LivekitSip.SIPDispatchRuleInfo;
import livekit.LivekitSip.SIPInboundTrunkInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code livekit} dial-plan source: reads the inbound trunks and dispatch rules of a LiveKit
 * server's SIP API (as La Suite Meet writes them) at start, every {@code period}, and on demand
 * (reload, admin API). A failed read keeps the last good rules and says which server and why.
 * {@link #current()} is what the next call is routed with.
 */
public final class LiveKitDialPlanSource implements Supplier<LiveKitDialPlan>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiveKitDialPlanSource.class);

    static final Duration FIRST_READ_WAIT = Duration.ofSeconds(3);

    /** How the last read went. */
    public enum State { NEVER_READ, FRESH, STALE }

    private final LiveKitSipApi api;
    private final AtomicReference<LiveKitDialPlan> current = new AtomicReference<>(LiveKitDialPlan.empty());
    private final Object refreshLock = new Object();
    private volatile State state = State.NEVER_READ;
    private volatile String lastFailure;
    private List<String> lastSkipped = List.of();
    private ScheduledExecutorService timer;

    public LiveKitDialPlanSource(LiveKitSipApi api) {
        this.api = api;
    }

    /**
     * Reads now, then every {@code period}. Waits up to {@link #FIRST_READ_WAIT} for the first read
     * so that the first calls find the server's rules; a slow server does not hold the start longer.
     */
    public static LiveKitDialPlanSource start(LiveKitSipApi api, Duration period) {
        LiveKitDialPlanSource s = new LiveKitDialPlanSource(api);
        s.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("livekit-dialplan").factory());
        var first = s.timer.submit(s::refresh);
        s.timer.scheduleWithFixedDelay(s::refresh, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        try {
            first.get(FIRST_READ_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.info("LiveKit dial plan: {} has not answered yet; calls use local rules until it does", api.server());
        }
        return s;
    }

    /** The rules in force: the last good read (empty before the first). */
    @Override
    public LiveKitDialPlan get() {
        return current.get();
    }

    public LiveKitDialPlan current() {
        return current.get();
    }

    public State state() {
        return state;
    }

    /** Why the last read failed, or null when it did not. */
    public String lastFailure() {
        return lastFailure;
    }

    /** Where the rules come from (the server's URL). */
    public String server() {
        return api.server();
    }

    /** Reads the trunks and rules now; on failure keeps the last good ones. @return whether it read them */
    public boolean refresh() {
        synchronized (refreshLock) {
            List<SIPInboundTrunkInfo> trunks;
            List<SIPDispatchRuleInfo> rules;
            try {
                trunks = api.inboundTrunks();
                rules = api.dispatchRules();
            } catch (Exception e) {
                String why = e.getMessage() == null ? e.toString() : e.getMessage();
                state = state == State.NEVER_READ ? State.NEVER_READ : State.STALE;
                if (!why.equals(lastFailure)) {
                    log.warn("LiveKit dial plan: cannot read the SIP trunks and dispatch rules of {}, keeping the "
                            + "last good ones ({}): {}", api.server(), current.get(), why);
                }
                lastFailure = why;
                return false;
            }
            LiveKitDialPlan next = LiveKitDialPlan.map(trunks, rules);
            LiveKitDialPlan before = current.getAndSet(next);
            if (lastFailure != null) log.info("LiveKit dial plan: {} answers again", api.server());
            lastFailure = null;
            state = State.FRESH;
            if (!next.routes().equals(before.routes()) || !next.skipped().equals(lastSkipped)) {
                log.info("LiveKit dial plan from {}: {} trunks, {} dispatch rules → {}", api.server(), trunks.size(),
                        rules.size(), next);
                for (String s : next.skipped()) log.warn("LiveKit dial plan: not mapped: {}", s);
                lastSkipped = next.skipped();
            }
            return true;
        }
    }

    /** Refreshes soon on the source's own thread (reload, admin API); never blocks the caller. */
    public void refreshSoon() {
        ScheduledExecutorService t = timer;
        if (t != null && !t.isShutdown()) {
            t.execute(this::refresh);
        } else {
            Thread.ofVirtual().name("livekit-dialplan-refresh").start(this::refresh);
        }
    }

    @Override
    public void close() {
        if (timer != null) timer.shutdownNow();
    }
}

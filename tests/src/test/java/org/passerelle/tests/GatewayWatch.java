package org.passerelle.tests;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Samples a room's participant count and the gateway's active calls while something runs. */
public final class GatewayWatch {
    /** One observation. */
    public record Sample(long nanos, int participants, int activeCalls) {}

    private GatewayWatch() {}

    /** Samples every 50 ms while {@code running} is true (bounded by the caller's own timeout). */
    public static List<Sample> whileRunning(TestGateway gateway, String room, BooleanSupplier running) {
        List<Sample> samples = new ArrayList<>();
        do {
            samples.add(new Sample(System.nanoTime(), gateway.gateway().participantCount(room),
                    gateway.gateway().activeCalls()));
            Await.pause(java.time.Duration.ofMillis(50));
        } while (running.getAsBoolean());
        return samples;
    }

    /** Seconds during which the count was {@code value} without interruption, or -1 if it dipped. */
    public static double unbrokenSecondsAt(List<Sample> samples, int value) {
        int first = -1, last = -1;
        for (int i = 0; i < samples.size(); i++) {
            if (samples.get(i).participants() == value) {
                if (first < 0) {
                    first = i;
                }
                last = i;
            }
        }
        if (first < 0) {
            return 0;
        }
        for (int i = first; i <= last; i++) {
            if (samples.get(i).participants() != value) {
                return -1;
            }
        }
        return (samples.get(last).nanos() - samples.get(first).nanos()) / 1e9;
    }

    /** Compact timeline "t=0.00s:0 t=0.35s:1 ..." listing only changes, for failure messages. */
    public static String describe(List<Sample> samples) {
        StringBuilder sb = new StringBuilder();
        int prev = Integer.MIN_VALUE;
        long t0 = samples.isEmpty() ? 0 : samples.get(0).nanos();
        for (Sample s : samples) {
            if (s.participants() != prev) {
                sb.append(String.format("t=%.2fs:%d ", (s.nanos() - t0) / 1e9, s.participants()));
                prev = s.participants();
            }
        }
        return sb.toString().trim();
    }
}

package org.passerelle.tests.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** A growable list of nanosecond samples and its percentiles in milliseconds (nearest rank). */
final class Percentiles {
    private long[] values = new long[256];
    private int size;

    synchronized void add(long nanos) {
        if (size == values.length) values = Arrays.copyOf(values, size * 2);
        values[size++] = nanos;
    }

    synchronized void forEach(java.util.function.LongConsumer action) {
        for (int i = 0; i < size; i++) action.accept(values[i]);
    }

    synchronized int count() {
        return size;
    }

    /** The {@code p}-th percentile (0-100) in ms, or NaN without samples. */
    synchronized double ms(double p) {
        if (size == 0) return Double.NaN;
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * size);
        return sorted[Math.max(0, Math.min(size - 1, rank - 1))] / 1e6;
    }

    /** count, p50, p95, p99 and max, for the JSON report. */
    Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", count());
        m.put("p50", round(ms(50)));
        m.put("p95", round(ms(95)));
        m.put("p99", round(ms(99)));
        m.put("max", round(ms(100)));
        return m;
    }

    static Double round(double v) {
        return Double.isNaN(v) ? null : Math.round(v * 100) / 100.0;
    }
}

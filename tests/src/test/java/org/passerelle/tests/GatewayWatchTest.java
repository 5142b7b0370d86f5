package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.passerelle.tests.GatewayWatch.Sample;

class GatewayWatchTest {

    private static List<Sample> timeline(int... counts) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            samples.add(new Sample(i * 500_000_000L, counts[i], counts[i]));
        }
        return samples;
    }

    @Test
    void measuresAnUnbrokenStretch() {
        assertEquals(1.5, GatewayWatch.unbrokenSecondsAt(timeline(0, 1, 1, 1, 1, 0, 0), 1), 1e-9);
        assertEquals(0, GatewayWatch.unbrokenSecondsAt(timeline(0, 0, 0), 1), 1e-9);
    }

    @Test
    void aDipIsReported() {
        assertEquals(-1, GatewayWatch.unbrokenSecondsAt(timeline(0, 1, 1, 0, 1, 1, 0), 1), 1e-9);
        assertEquals(-1, GatewayWatch.unbrokenSecondsAt(timeline(1, 2, 1), 1), 1e-9);
    }

    @Test
    void describesOnlyChanges() {
        assertEquals("t=0.00s:0 t=0.50s:1 t=1.50s:0", GatewayWatch.describe(timeline(0, 1, 1, 0, 0)));
    }
}

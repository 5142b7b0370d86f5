package org.passerelle.sip;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
    @Test
    void runsInOrderOneAtATimeAndSurvivesFailures() {
        Queue<Runnable> backing = new ArrayDeque<>();
        SerialExecutor ex = new SerialExecutor(backing::add);
        List<Integer> seen = new ArrayList<>();
        ex.execute(() -> seen.add(1));
        ex.execute(() -> { throw new IllegalStateException("boom"); });
        ex.execute(() -> seen.add(3));
        // One drain task for all three: never two at once.
        assertEquals(1, backing.size());
        backing.poll().run();
        assertEquals(List.of(1, 3), seen);
        ex.execute(() -> seen.add(4));
        assertEquals(1, backing.size());
        backing.poll().run();
        assertEquals(List.of(1, 3, 4), seen);
    }
}

package org.passerelle.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sun.misc.Signal;

/**
 * What makes the gateway re-read its config: SIGHUP (raised in this very process, as `kill -HUP`
 * would) and a save of the file; a closed watcher reacts to neither.
 */
class ConfigWatcherTest {
    @TempDir
    Path dir;

    @Test
    void sighupAndASaveReloadAndAClosedWatcherDoesNot() throws Exception {
        Path file = Files.writeString(dir.resolve("passerelle.yaml"), "sip: {port: 5060}\n");
        LinkedBlockingQueue<String> reloads = new LinkedBlockingQueue<>();
        ConfigWatcher watcher = new ConfigWatcher(file, () -> reloads.add("reload"));
        try {
            Signal.raise(new Signal("HUP"));
            assertNotNull(reloads.poll(10, TimeUnit.SECONDS), "SIGHUP reloads");
            Files.writeString(dir.resolve("other.yaml"), "x: 1\n");
            Files.writeString(file, "sip: {port: 5070}\n");
            assertNotNull(reloads.poll(10, TimeUnit.SECONDS), "saving the file reloads");
            assertNull(reloads.poll(1, TimeUnit.SECONDS), "one save, one reload; another file is not ours");
        } finally {
            watcher.close();
        }
        // Watchers closing in any order: SIGHUP reaches every open one and no closed one.
        LinkedBlockingQueue<String> second = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<String> third = new LinkedBlockingQueue<>();
        ConfigWatcher older = new ConfigWatcher(file, () -> second.add("reload"));
        ConfigWatcher newer = new ConfigWatcher(file, () -> third.add("reload"));
        older.close();
        Signal.raise(new Signal("HUP"));
        assertNotNull(third.poll(10, TimeUnit.SECONDS), "an open watcher reloads after an older one closed");
        newer.close();
        assertNull(second.poll(500, TimeUnit.MILLISECONDS), "the closed watcher was not called");
        assertEquals(0, reloads.size(), "the first, closed watcher was not called again");
    }
}

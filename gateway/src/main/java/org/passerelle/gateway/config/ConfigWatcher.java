package org.passerelle.gateway.config;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls back when the config file changes on disk or the process gets SIGHUP. Editors save in
 * several steps (temp file, rename), so a change is acted on once things are quiet for a moment.
 *
 * <p>A process has one SIGHUP: one handler, installed with the first watcher, calls every watcher
 * open at that moment. (Each watcher installing its own and putting the previous one back on
 * close broke when watchers closed out of order: SIGHUP went to a closed one and reloaded nothing.)
 */
public final class ConfigWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);
    private static final long SETTLE_MILLIS = 300;

    private final Path file;
    private final Runnable reload;
    private final WatchService watcher;
    private final Thread thread;
    private volatile boolean running = true;
    /** Watchers open now: SIGHUP reloads each. */
    private static final Set<ConfigWatcher> OPEN = ConcurrentHashMap.newKeySet();
    private static boolean sighupHandled; // guarded by ConfigWatcher.class

    public ConfigWatcher(Path file, Runnable reload) throws IOException {
        this.file = file.toAbsolutePath().normalize();
        this.reload = reload;
        this.watcher = FileSystems.getDefault().newWatchService();
        Path dir = this.file.getParent();
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        thread = Thread.ofPlatform().daemon().name("config-watch").start(this::loop);
        OPEN.add(this);
        handleSighup();
    }

    private static synchronized void handleSighup() {
        if (sighupHandled) return;
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> OPEN.forEach(ConfigWatcher::sighup));
            sighupHandled = true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            log.warn("SIGHUP cannot be handled here ({}); config reloads on file change only", e.getMessage());
        }
    }

    private void sighup() {
        if (!running) return;
        log.info("SIGHUP: reloading {}", file);
        Thread.ofVirtual().name("config-reload").start(reload);
    }

    private void loop() {
        while (running) {
            try {
                WatchKey key = watcher.take();
                boolean ours = false;
                for (WatchEvent<?> e : key.pollEvents()) {
                    if (e.context() instanceof Path p && file.getFileName().equals(p.getFileName())) ours = true;
                }
                key.reset();
                if (!ours) continue;
                // Let the editor finish: swallow the burst of events a save makes.
                WatchKey more;
                while ((more = watcher.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS)) != null) {
                    more.pollEvents();
                    more.reset();
                }
                log.info("{} changed: reloading", file);
                reload.run();
            } catch (InterruptedException | java.nio.file.ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                log.error("config reload failed", e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        OPEN.remove(this); // a closed watcher reloads nothing
        try {
            watcher.close();
        } catch (IOException e) {
            // closing anyway
        }
        thread.interrupt();
    }
}

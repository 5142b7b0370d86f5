package org.passerelle.gateway.config;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls back when the config file changes on disk or the process gets SIGHUP. Editors save in
 * several steps (temp file, rename), so a change is acted on once things are quiet for a moment.
 */
public final class ConfigWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);
    private static final long SETTLE_MILLIS = 300;

    private final Path file;
    private final Runnable reload;
    private final WatchService watcher;
    private final Thread thread;
    private volatile boolean running = true;
    /** The SIGHUP handler before ours, put back on close; null when SIGHUP is not ours. */
    private sun.misc.SignalHandler previousSighup;

    public ConfigWatcher(Path file, Runnable reload) throws IOException {
        this.file = file.toAbsolutePath().normalize();
        this.reload = reload;
        this.watcher = FileSystems.getDefault().newWatchService();
        Path dir = this.file.getParent();
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        thread = Thread.ofPlatform().daemon().name("config-watch").start(this::loop);
        installSighup();
    }

    private void installSighup() {
        try {
            previousSighup = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> {
                if (!running) return;
                log.info("SIGHUP: reloading {}", file);
                Thread.ofVirtual().name("config-reload").start(reload);
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            log.warn("SIGHUP cannot be handled here ({}); config reloads on file change only", e.getMessage());
        }
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
        if (previousSighup != null) {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), previousSighup); // a closed watcher reloads nothing
            previousSighup = null;
        }
        try {
            watcher.close();
        } catch (IOException e) {
            // closing anyway
        }
        thread.interrupt();
    }
}

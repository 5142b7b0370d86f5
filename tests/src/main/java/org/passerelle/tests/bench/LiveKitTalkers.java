package org.passerelle.tests.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livekit.server.AccessToken;
import io.livekit.server.CanPublish;
import io.livekit.server.CanSubscribe;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The talkers of the LiveKit load: one real LiveKit participant per room
 * (tests/livekit/client/bench-talker.mjs on {@code @livekit/rtc-node}) publishing the talker's
 * burst pattern as Opus, so the audio the SIP callers measure crosses the SFU: talker → LiveKit →
 * the gateway's room listener (Opus decode, once per room) → mix → PCMU → each caller. Each burst
 * line carries its departure on CLOCK_MONOTONIC, which {@link System#nanoTime()} also reads on
 * Linux; it becomes the room's reference for the added latency.
 */
final class LiveKitTalkers implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Process> processes = new ArrayList<>();
    private final List<ProcessSampler> samplers = new ArrayList<>();
    private final CountDownLatch published;

    /** Starts one talker per room ({@code roomPrefix-i}); they publish in the background. */
    LiveKitTalkers(String url, String apiKey, String apiSecret, Path script, String roomPrefix,
                   LoadGenerator.Room[] rooms, Path logDir) throws IOException {
        published = new CountDownLatch(rooms.length);
        for (int r = 0; r < rooms.length; r++) {
            String room = roomPrefix + "-" + r;
            AccessToken t = new AccessToken(apiKey, apiSecret);
            t.setIdentity("bench-talker-" + r);
            t.setName("Bench talker " + r);
            t.addGrants(new RoomJoin(true), new RoomName(room), new CanPublish(true), new CanSubscribe(false));
            ProcessBuilder pb = new ProcessBuilder("node", script.toString(), "--url", url, "--token", t.toJwt())
                    .directory(script.getParent().toFile())
                    .redirectError(logDir.resolve("talker-" + r + ".log").toFile());
            pb.environment().put("NODE_ENV", "production");
            Process p = pb.start();
            processes.add(p);
            samplers.add(new ProcessSampler(p.pid()));
            LoadGenerator.Room stats = rooms[r];
            Thread.ofPlatform().daemon().name("talker-" + r).start(() -> pump(p, stats));
        }
    }

    private void pump(Process p, LoadGenerator.Room stats) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.startsWith("{")) continue; // SDK log lines
                JsonNode n = JSON.readTree(line);
                switch (n.path("event").asText()) {
                    case "burst" -> stats.burstSentNanos = Long.parseLong(n.path("monoNs").asText());
                    case "published" -> published.countDown();
                    case "error" -> System.err.println("talker: " + line);
                    default -> { }
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("talker output: " + e);
        }
    }

    /** Waits until every talker publishes its track; false when one did not within the time. */
    boolean awaitPublished(long seconds) throws InterruptedException {
        return published.await(seconds, TimeUnit.SECONDS);
    }

    /** CPU seconds of all talker processes so far. */
    double cpuSeconds() {
        double s = 0;
        for (ProcessSampler ps : samplers) {
            double c = ps.cpuSeconds();
            if (!Double.isNaN(c)) s += c;
        }
        return s;
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : processes) {
            try (OutputStream o = p.getOutputStream()) {
                o.write("quit\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException ignored) {
                // already gone
            }
        }
        for (Process p : processes) {
            if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
        }
    }
}

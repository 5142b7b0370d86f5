package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A raw WebSocket to the gateway's signalling endpoint ({@code /ws}, docs/signalling.md), for sending
 * what no browser would. Collects the text messages received and how the socket ended.
 */
public final class SignallingSocket implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the socket ended: a Close frame with its status, or an abrupt end (error). */
    public record Ending(int statusCode, String reason, Throwable error) {
        @Override
        public String toString() {
            return error != null ? "error " + error : "close " + statusCode + " " + reason;
        }
    }

    private final HttpClient client;
    private final WebSocket socket;
    private final BlockingQueue<String> messages;
    private final CompletableFuture<Ending> ending;
    private final List<String> received = new ArrayList<>();

    private SignallingSocket(HttpClient client, WebSocket socket, BlockingQueue<String> messages,
                             CompletableFuture<Ending> ending) {
        this.client = client;
        this.socket = socket;
        this.messages = messages;
        this.ending = ending;
    }

    public static SignallingSocket connect(URI uri, Duration timeout) throws Exception {
        BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        CompletableFuture<Ending> ending = new CompletableFuture<>();
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    messages.add(partial.toString());
                    partial.setLength(0);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                ending.complete(new Ending(statusCode, reason, null));
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                ending.complete(new Ending(-1, "", error));
            }
        };
        WebSocket ws = client.newWebSocketBuilder().connectTimeout(timeout).buildAsync(uri, listener)
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return new SignallingSocket(client, ws, messages, ending);
    }

    public void send(String text) throws Exception {
        socket.sendText(text, true).get(5, TimeUnit.SECONDS);
    }

    /** The next message as JSON; fails when none comes in time or it is not JSON. */
    public JsonNode awaitMessage(Duration timeout) throws InterruptedException {
        String m = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) {
            return fail("no message from the gateway within " + timeout.toMillis() + " ms (received " + received
                    + ", " + (ending.isDone() ? "socket ended: " + ending.join() : "socket open") + ")");
        }
        received.add(m);
        try {
            return JSON.readTree(m);
        } catch (IOException e) {
            return fail("gateway sent a message that is not JSON: " + m);
        }
    }

    /** The next message of {@code type}, skipping others (e.g. participant lists). */
    public JsonNode awaitMessage(String type, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode m = awaitMessage(Duration.ofNanos(Math.max(0, left)));
            if (type.equals(m.path("type").asText())) {
                return m;
            }
        }
    }

    /** Waits until the gateway ended the socket. */
    public Ending awaitEnded(Duration timeout) throws Exception {
        try {
            return ending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return fail("the gateway did not close the socket within " + timeout.toMillis() + " ms (received "
                    + received + ")");
        }
    }

    public boolean ended() {
        return ending.isDone();
    }

    @Override
    public void close() {
        if (!ending.isDone()) {
            socket.abort();
        }
        client.close();
    }
}

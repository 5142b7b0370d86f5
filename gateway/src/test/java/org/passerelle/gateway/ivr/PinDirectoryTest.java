package org.passerelle.gateway.ivr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PinDirectoryTest {
    private HttpServer server;
    private final List<String> auth = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/pins", ex -> {
            auth.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            String q = ex.getRequestURI().getQuery();
            String body;
            int status;
            switch (q) {
                case "pin=123456" -> { status = 200; body = "{\"room\":\"board\"}"; }
                case "pin=500" -> { status = 500; body = "oops"; }
                case "pin=777" -> { status = 200; body = "{\"room\":\"../etc\"}"; }
                case "pin=888" -> { status = 200; body = "not json"; }
                default -> { status = 404; body = "{}"; }
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private HttpPinDirectory http() {
        return new HttpPinDirectory(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/pins"),
                "s3cret", Duration.ofSeconds(2));
    }

    @Test
    void staticDirectory() throws Exception {
        StaticPinDirectory d = new StaticPinDirectory(Map.of("1234", "demo"));
        assertEquals(Optional.of("demo"), d.lookup("1234").get());
        assertEquals(Optional.empty(), d.lookup("123").get());
        assertEquals(Optional.empty(), d.lookup("12345").get());
    }

    @Test
    void httpDirectoryOpensTheRoomTheServerNames() throws Exception {
        assertEquals(Optional.of("board"), http().lookup("123456").get());
        assertEquals("Bearer s3cret", auth.get(0));
    }

    @Test
    void unknownPinIsEmpty() throws Exception {
        assertEquals(Optional.empty(), http().lookup("999999").get());
    }

    @Test
    void serverErrorsAndBadAnswersAreFailuresNotWrongPins() {
        for (String pin : new String[] {"500", "777", "888"}) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> http().lookup(pin).get(), pin);
            assertTrue(e.getCause().getMessage().startsWith("PIN directory 127.0.0.1"), e.getCause().getMessage());
        }
    }

    @Test
    void unreachableServerIsAFailure() {
        HttpPinDirectory d = new HttpPinDirectory(URI.create("http://127.0.0.1:1/pins"), null, Duration.ofSeconds(1));
        assertThrows(ExecutionException.class, () -> d.lookup("1").get());
    }

    @Test
    void describeHidesTheQuery() {
        HttpPinDirectory d = new HttpPinDirectory(URI.create("https://meet.example.org/api/pins?key=abc"), null,
                Duration.ofSeconds(1));
        assertEquals("http https://meet.example.org/api/pins", d.describe());
    }
}

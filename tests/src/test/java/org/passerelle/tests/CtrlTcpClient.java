package org.passerelle.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Client for baresip's ctrl_tcp module: JSON commands framed as netstrings
 * ({@code <length>:<json>,}). Events (CALL_CLOSED, ...) arrive on the same connection before the
 * response; this client skips them and returns the response.
 */
final class CtrlTcpClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger TOKENS = new AtomicInteger();

    private final int port;

    CtrlTcpClient(int port) {
        this.port = port;
    }

    /** Sends one command and returns the response object ({@code ok}, {@code data}). */
    JsonNode command(String command, String params, Duration timeout) throws IOException {
        String token = "t" + TOKENS.incrementAndGet();
        ObjectNode request = JSON.createObjectNode()
                .put("command", command).put("params", params).put("token", token);
        byte[] body = JSON.writeValueAsBytes(request);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write((body.length + ":").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.write(',');
            out.flush();
            InputStream in = socket.getInputStream();
            while (true) {
                JsonNode message = JSON.readTree(readNetstring(in));
                if (message.path("response").asBoolean(false) && token.equals(message.path("token").asText())) {
                    return message;
                }
            }
        }
    }

    private static byte[] readNetstring(InputStream in) throws IOException {
        int length = 0;
        int c;
        while ((c = in.read()) != ':') {
            if (c < '0' || c > '9') {
                throw new IOException("ctrl_tcp: bad netstring length byte " + c);
            }
            length = length * 10 + (c - '0');
        }
        byte[] body = in.readNBytes(length);
        if (body.length != length || in.read() != ',') {
            throw new IOException("ctrl_tcp: truncated netstring");
        }
        return body;
    }
}

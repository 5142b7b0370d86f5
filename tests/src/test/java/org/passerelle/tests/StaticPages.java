package org.passerelle.tests;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Serves the test resources under {@code /browser/} on 127.0.0.1 (JDK HTTP server), for pages without a gateway. */
public final class StaticPages implements AutoCloseable {
    private final HttpServer server;

    private StaticPages(HttpServer server) {
        this.server = server;
    }

    public static StaticPages start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = null;
            if (path.matches("/[A-Za-z0-9_-]+\\.html")) {
                try (InputStream in = StaticPages.class.getResourceAsStream("/browser" + path)) {
                    body = in == null ? null : in.readAllBytes();
                }
            }
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
        return new StaticPages(server);
    }

    /** The address of a page, e.g. {@code url("loopback.html")}. */
    public String url(String page) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + page;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

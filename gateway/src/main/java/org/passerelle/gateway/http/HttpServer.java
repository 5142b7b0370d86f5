package org.passerelle.gateway.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.passerelle.dialplan.DialPlan;
import org.passerelle.gateway.browser.BrowserSignalling;
import org.passerelle.gateway.call.CallRegistry;
import org.passerelle.gateway.room.Participant;
import org.passerelle.gateway.room.Room;
import org.passerelle.gateway.room.RoomRegistry;

/**
 * The gateway's HTTP side on Netty: the room page ({@code /rooms/<room>} and its files under
 * {@code /static/}), the browsers' signalling WebSocket on {@code /ws} (docs/signalling.md),
 * health, and a read-only JSON view of rooms and calls for admins.
 */
public final class HttpServer implements AutoCloseable {
    /** Requests are small; anything larger is refused by the aggregator with 413. */
    private static final int MAX_REQUEST_BYTES = 64 * 1024;
    /** Signalling messages: an SDP offer is a few KiB; 64 KiB is the protocol's limit. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;
    private static final String ROOM_PAGE = "room.html";
    /** The page's files change only with the gateway: cache briefly, then revalidate by ETag. */
    private static final String STATIC_CACHE = "public, max-age=300";

    private final RoomRegistry rooms;
    private final CallRegistry calls;
    private final BrowserSignalling signalling;
    private final StaticFiles files;
    private final ObjectMapper json = new ObjectMapper();
    private Channel channel;
    private AdminApi admin;

    /** Serves the admin API (dial-out, trunks) and guards every /api/ route with its rules. */
    public HttpServer withAdmin(AdminApi api) {
        this.admin = api;
        return this;
    }

    /** Without browsers: no /ws; the page's files from the classpath folder web/. */
    public HttpServer(RoomRegistry rooms, CallRegistry calls) {
        this(rooms, calls, null, StaticFiles.classpath("web/"));
    }

    /**
     * @param signalling the browsers' sessions behind /ws, or null for no WebSocket
     * @param files      the room page's files
     */
    public HttpServer(RoomRegistry rooms, CallRegistry calls, BrowserSignalling signalling, StaticFiles files) {
        this.rooms = rooms;
        this.calls = calls;
        this.signalling = signalling;
        this.files = files;
    }

    public void start(EventLoopGroup group, String bindAddress, int port) throws InterruptedException {
        channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES));
                        if (signalling != null) {
                            // Before the HTTP handler, so WebSocket errors reach the signalling first.
                            ch.pipeline().addLast(new WebSocketServerProtocolHandler(webSocketConfig()),
                                    new WebSocketFrameAggregator(MAX_MESSAGE_BYTES),
                                    new SignallingHandler(signalling, MAX_MESSAGE_BYTES));
                        }
                        ch.pipeline().addLast(new Handler());
                    }
                })
                .bind(bindAddress, port).sync().channel();
    }

    private static WebSocketServerProtocolConfig webSocketConfig() {
        return WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/ws")
                .checkStartsWith(false)
                .maxFramePayloadLength(MAX_MESSAGE_BYTES)
                // We answer an oversized or broken frame with an error message before closing.
                .closeOnProtocolViolation(false)
                // Pongs are the browser's proof of life (liveness).
                .dropPongFrames(false)
                .build();
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (channel != null) channel.close().syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws Exception {
            String path = new QueryStringDecoder(req.uri()).path();
            FullHttpResponse res = null;
            if (path.startsWith("/api/") && admin != null) {
                res = admin.refuse(req, (InetSocketAddress) ctx.channel().remoteAddress());
                if (res == null) res = admin.handle(req, path);
            }
            if (res != null) {
                // answered by the admin API
            } else if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
                res = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n");
                res.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            } else {
                res = switch (path) {
                    case "/health" -> text(HttpResponseStatus.OK, "ok\n");
                    case "/api/rooms" -> jsonResponse(roomsView());
                    case "/api/calls" -> jsonResponse(callsView());
                    case "/" -> text(HttpResponseStatus.OK, "Passerelle SIP gateway. Rooms: " + rooms.names()
                            + "\nCall sip:<room>@<this host> or open http://<this host>/rooms/<room> to join a "
                            + "room. JSON: /api/rooms, /api/calls\n");
                    default -> {
                        if (path.startsWith("/rooms/")) yield roomPage(path.substring("/rooms/".length()));
                        if (path.startsWith("/static/")) yield staticFile(path.substring("/static/".length()), req);
                        yield text(HttpResponseStatus.NOT_FOUND, "not found: " + path + "\n");
                    }
                };
                if (req.method().equals(HttpMethod.HEAD)) res = withoutBody(res);
            }
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            HttpUtil.setKeepAlive(res, keepAlive);
            var f = ctx.writeAndFlush(res);
            if (!keepAlive) f.addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** The page for one room; the page reads the room's name from its own URL. */
    private FullHttpResponse roomPage(String room) {
        if (!DialPlan.isValidRoomName(room)) {
            return page(HttpResponseStatus.NOT_FOUND, "No such room",
                    "There is no room with that name: room names are letters, digits, '-', '_' and '.', "
                            + "at most 64 characters, for example /rooms/demo.");
        }
        StaticFiles.File f = files.get(ROOM_PAGE);
        if (f == null) {
            return page(HttpResponseStatus.NOT_FOUND, "Room page missing",
                    "This gateway was built without its room page (web/room.html).");
        }
        FullHttpResponse res = bytes(f.content(), f.contentType());
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        return res;
    }

    /** One file of the page: plain names only (no folders, so no way out), known types only. */
    private FullHttpResponse staticFile(String name, FullHttpRequest req) {
        StaticFiles.File f = files.get(name);
        if (f == null) return text(HttpResponseStatus.NOT_FOUND, "not found\n");
        FullHttpResponse res;
        if (f.etag().equals(req.headers().get(HttpHeaderNames.IF_NONE_MATCH))) {
            res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        } else {
            res = bytes(f.content(), f.contentType());
        }
        res.headers().set(HttpHeaderNames.ETAG, f.etag());
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, STATIC_CACHE);
        return res;
    }

    private static FullHttpResponse bytes(byte[] content, String type) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(content));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        res.headers().set("X-Content-Type-Options", "nosniff");
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.length);
        return res;
    }

    /** A short HTML page that says what went wrong in words. */
    private static FullHttpResponse page(HttpResponseStatus status, String title, String words) {
        String html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title
                + "</title></head>\n<body><h1>" + title + "</h1>\n<p>" + words + "</p></body></html>\n";
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(html, StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
        return res;
    }

    /** HEAD: the same headers, no body. */
    private static FullHttpResponse withoutBody(FullHttpResponse res) {
        FullHttpResponse head = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, res.status());
        head.headers().set(res.headers());
        res.release();
        return head;
    }

    private List<Map<String, Object>> roomsView() {
        return rooms.names().stream().map(rooms::get).filter(r -> r != null).map(this::roomView).toList();
    }

    private Map<String, Object> roomView(Room r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name());
        m.put("participants", r.participants().stream()
                .map(p -> {
                    Map<String, Object> v = new LinkedHashMap<>();
                    v.put("id", p.id());
                    v.put("name", String.valueOf(p.displayName()));
                    v.put("kind", p.kind().wireName());
                    v.put("muted", p.muted());
                    return v;
                }).toList());
        return m;
    }

    private List<Map<String, Object>> callsView() {
        return calls.calls().stream().map(c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", c.id());
            m.put("caller", c.caller());
            m.put("room", c.roomName());
            m.put("state", c.state().name());
            m.put("started", c.started().toString());
            return m;
        }).toList();
    }

    private FullHttpResponse jsonResponse(Object body) throws Exception {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(json.writeValueAsBytes(body)));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
        return res;
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
        return res;
    }
}

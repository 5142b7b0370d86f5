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
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.passerelle.gateway.call.CallRegistry;
import org.passerelle.gateway.room.Participant;
import org.passerelle.gateway.room.Room;
import org.passerelle.gateway.room.RoomRegistry;

/**
 * The gateway's HTTP side on Netty: health, and a read-only JSON view of rooms and calls for
 * admins. The room page and its signalling come with the WebRTC work.
 */
public final class HttpServer implements AutoCloseable {
    /** Requests are small; anything larger is refused by the aggregator with 413. */
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final RoomRegistry rooms;
    private final CallRegistry calls;
    private final ObjectMapper json = new ObjectMapper();
    private Channel channel;

    public HttpServer(RoomRegistry rooms, CallRegistry calls) {
        this.rooms = rooms;
        this.calls = calls;
    }

    public void start(EventLoopGroup group, String bindAddress, int port) throws InterruptedException {
        channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                new Handler());
                    }
                })
                .bind(bindAddress, port).sync().channel();
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
            FullHttpResponse res;
            if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
                res = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n");
                res.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            } else {
                res = switch (path) {
                    case "/health" -> text(HttpResponseStatus.OK, "ok\n");
                    case "/api/rooms" -> jsonResponse(roomsView());
                    case "/api/calls" -> jsonResponse(callsView());
                    case "/" -> text(HttpResponseStatus.OK, "Passerelle SIP gateway. Rooms: " + rooms.names()
                            + "\nCall sip:<room>@<this host> to join a room. JSON: /api/rooms, /api/calls\n");
                    default -> text(HttpResponseStatus.NOT_FOUND, "not found: " + path + "\n");
                };
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

    private List<Map<String, Object>> roomsView() {
        return rooms.names().stream().map(rooms::get).filter(r -> r != null).map(this::roomView).toList();
    }

    private Map<String, Object> roomView(Room r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name());
        m.put("participants", r.participants().stream()
                .map(p -> Map.of("id", p.id(), "name", String.valueOf(p.displayName()))).toList());
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

package org.passerelle.gateway.livekit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;

/**
 * A LiveKit signal endpoint for tests: a Netty WebSocket server on 127.0.0.1 at /rtc speaking
 * binary protobuf. It records each connection's request URI and every SignalRequest received,
 * and sends what the test tells it to on the latest connection.
 */
final class FakeLiveKitServer implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    final BlockingQueue<String> connections = new LinkedBlockingQueue<>();
    final BlockingQueue<SignalRequest> requests = new LinkedBlockingQueue<>();
    private volatile Channel current;
    /** Token checks ({@code GET /rtc/validate}) received. */
    final java.util.concurrent.atomic.AtomicInteger validations = new java.util.concurrent.atomic.AtomicInteger();
    /** While true, token checks wait for {@link #releaseValidations()}. */
    volatile boolean holdValidations;
    private final BlockingQueue<ChannelHandlerContext> heldValidations = new LinkedBlockingQueue<>();
    /** When > 0, the handshake (and the token check) is refused with this HTTP status. */
    volatile int refuseWith;

    FakeLiveKitServer() throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536), new Gate(),
                                new WebSocketServerProtocolHandler("/rtc", null, false, 1 << 20, false, true),
                                new WebSocketFrameAggregator(1 << 20), new Frames());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    String url() {
        return "ws://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** The request URI of the next connection (handshake), waiting up to 5 s. */
    String nextConnection() throws InterruptedException {
        String uri = connections.poll(5, TimeUnit.SECONDS);
        if (uri == null) throw new AssertionError("no connection");
        return uri;
    }

    /** The next SignalRequest received, waiting up to 5 s. */
    SignalRequest next() throws InterruptedException {
        SignalRequest r = requests.poll(5, TimeUnit.SECONDS);
        if (r == null) throw new AssertionError("no request");
        return r;
    }

    /** The next request of the given kind, skipping others (pings...). */
    SignalRequest next(SignalRequest.MessageCase kind) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            SignalRequest r = next();
            if (r.getMessageCase() == kind) return r;
        }
        throw new AssertionError("no " + kind);
    }

    void send(SignalResponse response) {
        Channel ch = current;
        if (ch == null) throw new AssertionError("no connection");
        ch.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(response.toByteArray()))).syncUninterruptibly();
    }

    /** Cuts the current connection without a close frame (a network drop). */
    void drop() {
        Channel ch = current;
        current = null;
        if (ch != null) ch.close().syncUninterruptibly();
    }

    @Override
    public void close() {
        if (group.isShuttingDown()) return;
        drop();
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Answers the token checks held by {@link #holdValidations}, and later ones at once again. */
    void releaseValidations() {
        holdValidations = false;
        for (ChannelHandlerContext ctx; (ctx = heldValidations.poll()) != null; ) {
            ChannelHandlerContext c = ctx;
            c.executor().execute(() -> answerValidation(c));
        }
    }

    /** LiveKit answers a token check 200 "success" when it accepts the token. */
    private void answerValidation(ChannelHandlerContext ctx) {
        int status = refuseWith > 0 ? refuseWith : 200;
        var res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.copiedBuffer(status == 200 ? "success" : "invalid token", StandardCharsets.UTF_8));
        res.headers().set("content-length", res.content().readableBytes());
        ctx.writeAndFlush(res);
    }

    /** Records the URI and refuses the handshake when told to (as LiveKit does for a bad token: 401). */
    private final class Gate extends SimpleChannelInboundHandler<FullHttpRequest> {
        Gate() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            if (req.uri().startsWith("/rtc/validate")) {
                validations.incrementAndGet();
                req.release();
                if (holdValidations) {
                    heldValidations.add(ctx);
                } else {
                    answerValidation(ctx);
                }
                return;
            }
            if (refuseWith > 0) {
                req.release();
                var res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(refuseWith),
                        Unpooled.copiedBuffer("invalid token", StandardCharsets.UTF_8));
                res.headers().set("content-length", res.content().readableBytes());
                ctx.writeAndFlush(res);
                return;
            }
            ctx.fireChannelRead(req);
        }
    }

    private final class Frames extends SimpleChannelInboundHandler<BinaryWebSocketFrame> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hc) {
                current = ctx.channel();
                connections.add(hc.requestUri());
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, BinaryWebSocketFrame frame) throws Exception {
            requests.add(SignalRequest.parseFrom(ByteBufUtil.getBytes(frame.content())));
        }
    }
}

package org.passerelle.gateway.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.passerelle.gateway.browser.BrowserSession;
import org.passerelle.gateway.browser.BrowserSignalling;
import org.passerelle.gateway.browser.SignallingChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser's WebSocket on Netty, after the upgrade on /ws: text frames go to its
 * {@link BrowserSession}; binary and oversized frames are refused; pings go out on a timer.
 */
final class SignallingHandler extends SimpleChannelInboundHandler<WebSocketFrame> implements SignallingChannel {
    private static final Logger log = LoggerFactory.getLogger(SignallingHandler.class);

    private final BrowserSignalling signalling;
    private final int maxMessageBytes;
    private volatile ChannelHandlerContext ctx;
    private BrowserSession session;
    private ScheduledFuture<?> pings;
    private final AtomicBoolean closing = new AtomicBoolean();

    SignallingHandler(BrowserSignalling signalling, int maxMessageBytes) {
        this.signalling = signalling;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            this.ctx = ctx;
            session = signalling.open(this);
            long every = signalling.pingInterval().toMillis();
            pings = ctx.executor().scheduleAtFixedRate(session::onPingTimer, every, every, TimeUnit.MILLISECONDS);
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (session == null) return;
        switch (frame) {
            case TextWebSocketFrame t -> session.onText(t.text());
            case BinaryWebSocketFrame b -> session.onBadFrame(1003, "binary frames are not accepted: send JSON text");
            case PongWebSocketFrame p -> session.onTraffic();
            case PingWebSocketFrame p -> session.onTraffic(); // answered by the protocol handler
            default -> { }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (session != null && (cause instanceof TooLongFrameException
                || cause instanceof CorruptedWebSocketFrameException)) {
            boolean tooBig = cause instanceof TooLongFrameException
                    || String.valueOf(cause.getMessage()).contains("Max frame length");
            session.onBadFrame(tooBig ? 1009 : 1002, tooBig
                    ? "message over " + maxMessageBytes / 1024 + " KiB"
                    : "broken WebSocket framing: " + cause.getMessage());
            return;
        }
        log.debug("connection failed: {}", cause.toString());
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (pings != null) pings.cancel(false);
        if (session != null) session.onSocketClosed();
        super.channelInactive(ctx);
    }

    // ---- SignallingChannel ----

    @Override
    public void send(String text) {
        ctx.writeAndFlush(new TextWebSocketFrame(text));
    }

    @Override
    public void ping() {
        ctx.writeAndFlush(new PingWebSocketFrame());
    }

    @Override
    public void close(int statusCode, String reason) {
        if (!closing.compareAndSet(false, true) || !ctx.channel().isActive()) return;
        ctx.writeAndFlush(new CloseWebSocketFrame(statusCode, reason)).addListener(ChannelFutureListener.CLOSE);
    }
}

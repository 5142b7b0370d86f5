package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.webrtc.DataChannel;
import org.passerelle.webrtc.WebRtcConfig;
import org.passerelle.webrtc.WebRtcSession;

/**
 * WebRTC data channels between our SCTP stack and a real headless Chromium (usrsctp/dcsctp):
 * the browser offers (the embedded room path) and answers our offer (the LiveKit publisher's
 * shape). The page is empty, driven by scripts; SDP goes both ways with candidates inline.
 */
@Timeout(90)
class DataChannelBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    /** The page's state, and helpers: 64 KiB patterns are compared by length and checksum. */
    private static final String SETUP = """
            window.t = {opened: [], received: [], closed: [], errors: []};
            window.t.pattern = n => { const a = new Uint8Array(n); for (let i = 0; i < n; i++) a[i] = (i * 7 + 3) & 255; return a; };
            window.t.sum = a => { let s = 0; for (let i = 0; i < a.length; i++) s = (s * 31 + a[i]) >>> 0; return s; };
            window.t.watch = ch => {
              ch.binaryType = 'arraybuffer';
              ch.onmessage = e => window.t.received.push(typeof e.data === 'string'
                  ? {label: ch.label, text: e.data}
                  : {label: ch.label, length: e.data.byteLength, sum: window.t.sum(new Uint8Array(e.data))});
              ch.onclose = () => window.t.closed.push(ch.label);
              ch.onerror = e => window.t.errors.push(ch.label + ': ' + (e.error ? e.error.message : e));
            };
            window.t.pc = new RTCPeerConnection();
            window.t.pc.ondatachannel = e => { window.t.opened.push({label: e.channel.label, ordered: e.channel.ordered,
                maxRetransmits: e.channel.maxRetransmits, id: e.channel.id}); window.t.watch(e.channel); window.t[e.channel.label] = e.channel; };
            window.t.gathered = () => new Promise(r => {
              if (window.t.pc.iceGatheringState === 'complete') return r();
              window.t.pc.addEventListener('icegatheringstatechange', () => { if (window.t.pc.iceGatheringState === 'complete') r(); });
            });
            """;

    private Path work;
    private HttpServer page;
    private Browser browser;
    private WebRtcSession session;
    private final Events events = new Events();

    record Message(DataChannel channel, String text, byte[] binary) {}

    static final class Events implements WebRtcSession.Listener {
        final BlockingQueue<DataChannel> opened = new LinkedBlockingQueue<>();
        final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
        final BlockingQueue<DataChannel> closed = new LinkedBlockingQueue<>();

        @Override public void onRtp(RtpPacket packet) { packet.release(); }
        @Override public void onClosed(String reason) { }
        @Override public void onDataChannel(DataChannel channel) { opened.add(channel); }
        @Override public void onDataMessage(DataChannel channel, byte[] message, boolean binary) {
            messages.add(new Message(channel, binary ? null : new String(message, StandardCharsets.UTF_8),
                    binary ? message : null));
        }
        @Override public void onDataChannelClosed(DataChannel channel) { closed.add(channel); }

        DataChannel awaitOpened(String what) throws InterruptedException {
            DataChannel c = opened.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(c, what);
            return c;
        }

        Message awaitMessage(String what) throws InterruptedException {
            Message m = messages.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(m, what);
            return m;
        }
    }

    @BeforeEach
    void setUp(TestInfo info) throws Exception {
        work = TestDirs.forTest(info);
        // an empty page on http://127.0.0.1 (a secure context) where getUserMedia is granted: then
        // Chromium shows its real host candidates instead of mDNS names we cannot resolve
        page = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        page.createContext("/", exchange -> {
            byte[] body = "<!doctype html><title>data channels</title>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        page.start();
        browser = Browser.builder("datachannel", work).start();
        browser.open("http://127.0.0.1:" + page.getAddress().getPort() + "/");
        browser.script(SETUP);
        browser.awaitPromise("navigator.mediaDevices.getUserMedia({audio: true}).then(s => { window.t.mic = s; return true; })");
    }

    @AfterEach
    void tearDown() {
        if (session != null) session.close();
        if (browser != null) browser.close();
        if (page != null) page.stop(0);
    }

    private static WebRtcConfig config() {
        return new WebRtcConfig("127.0.0.1", null, 44000, 44999, Duration.ofSeconds(15));
    }

    @Test
    void browserOffersAndWeAnswer() throws Exception {
        String offer = (String) browser.awaitPromise("""
                (async () => {
                  const pc = window.t.pc;
                  pc.addTransceiver('audio', {direction: 'recvonly'});
                  const chat = pc.createDataChannel('chat');
                  window.t.chat = chat;
                  window.t.watch(chat);
                  chat.onopen = () => window.t.chatOpen = true;
                  await pc.setLocalDescription(await pc.createOffer());
                  await window.t.gathered();
                  return pc.localDescription.sdp;
                })()""");
        assertTrue(offer.contains("webrtc-datachannel"), offer);
        session = WebRtcSession.answer(config(), offer, events);
        browser.awaitPromise("window.t.pc.setRemoteDescription({type: 'answer', sdp: arguments[0]})"
                .replace("arguments[0]", jsString(session.localDescription())));

        DataChannel chat = events.awaitOpened("the browser's channel opened on our side");
        assertEquals("chat", chat.label());
        assertTrue(chat.ordered());
        assertEquals(-1, chat.maxRetransmits());
        Await.until(() -> Boolean.TRUE.equals(browser.script("return window.t.chatOpen === true;")), WAIT,
                () -> "the browser's channel never opened" + browser.console());

        exchange(chat, "chat");

        // a channel we open arrives in the browser with its label and reliability
        DataChannel ours = session.createDataChannel("from-gateway", false, 0);
        assertEquals(ours, events.awaitOpened("ours is reported open"));
        Await.until(() -> ((List<?>) browser.script("return window.t.opened;")).size() == 1, WAIT,
                () -> "ondatachannel never fired" + browser.console());
        Map<?, ?> seen = (Map<?, ?>) ((List<?>) browser.script("return window.t.opened;")).get(0);
        assertEquals("from-gateway", seen.get("label"));
        assertEquals(false, seen.get("ordered"));
        assertEquals(0L, ((Number) seen.get("maxRetransmits")).longValue());
        assertEquals((long) ours.streamId(), ((Number) seen.get("id")).longValue());
        sendUntilBrowserReceived(ours, "on our channel");
        // Our channel is unreliable (maxRetransmits 0, RFC 8831 §6.1): a lost message is gone, so the
        // browser sends again every 200 ms until one arrives (CI saw one lost on a loaded machine).
        Message back = null;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (back == null && System.nanoTime() < deadline) {
            browser.script("window.t['from-gateway'].send('back on yours');");
            back = events.messages.poll(200, TimeUnit.MILLISECONDS);
        }
        assertNotNull(back, "the browser answered on our channel" + browser.console());
        events.messages.clear(); // the repeats that crossed
        assertEquals(ours, back.channel());
        assertEquals("back on yours", back.text());

        // the browser closes its channel: we see it closed, ours stays open
        browser.script("window.t.chat.close();");
        DataChannel closed = events.closed.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(chat, closed, "the channel the browser closed");
        assertEquals(DataChannel.State.CLOSED, chat.state());
        assertEquals(DataChannel.State.OPEN, ours.state());
        Await.until(() -> ((List<?>) browser.script("return window.t.closed;")).contains("chat"), WAIT,
                () -> "the browser's close did not complete" + browser.console());
        sendUntilBrowserReceived(ours, "still open");
        assertEquals(List.of(), browser.script("return window.t.errors;"));
    }

    @Test
    void weOfferAndTheBrowserAnswers() throws Exception {
        session = WebRtcSession.offer(config(), events, true);
        DataChannel reliable = session.createDataChannel("_reliable", true, -1);
        DataChannel lossy = session.createDataChannel("_lossy", false, 0);
        String answer = (String) browser.awaitPromise("""
                (async () => {
                  const pc = window.t.pc;
                  await pc.setRemoteDescription({type: 'offer', sdp: %s});
                  await pc.setLocalDescription(await pc.createAnswer());
                  await window.t.gathered();
                  return pc.localDescription.sdp;
                })()""".formatted(jsString(session.localDescription())));
        session.applyAnswer(answer);
        assertEquals(reliable, events.awaitOpened("_reliable opened"));
        assertEquals(lossy, events.awaitOpened("_lossy opened"));
        Await.until(() -> ((List<?>) browser.script("return window.t.opened;")).size() == 2, WAIT,
                () -> "the browser saw " + browser.script("return window.t.opened;") + browser.console());
        assertEquals(java.util.Set.of("_reliable", "_lossy"),
                java.util.Set.copyOf((List<?>) browser.script("return window.t.opened.map(o => o.label);")));
        assertEquals(List.of(false), browser.script(
                "return window.t.opened.filter(o => o.label === '_lossy').map(o => o.ordered);"));
        exchange(reliable, "_reliable");
        // a channel the browser opens on this connection reaches us too
        browser.script("const c = window.t.pc.createDataChannel('browser-side'); window.t.watch(c); window.t['browser-side'] = c;"
                + "c.onopen = () => c.send('hi from the answerer');");
        DataChannel theirs = events.awaitOpened("the browser's channel");
        assertEquals("browser-side", theirs.label());
        Message hi = events.awaitMessage("the browser's first message");
        assertEquals(theirs, hi.channel());
        assertEquals("hi from the answerer", hi.text());
    }

    /** Text and a 64 KiB binary message both ways on one channel. */
    private void exchange(DataChannel channel, String label) throws Exception {
        browser.script("window.t[arguments[0]].send('hello from chromium');", label);
        Message hello = events.awaitMessage("the browser's message");
        assertEquals(channel, hello.channel());
        assertEquals("hello from chromium", hello.text());

        assertTrue(channel.send("hello from passerelle".getBytes(StandardCharsets.UTF_8), false));
        awaitBrowserReceived(m -> label.equals(m.get("label")) && "hello from passerelle".equals(m.get("text")));

        byte[] big = pattern(64 * 1024);
        browser.script("window.t[arguments[0]].send(window.t.pattern(65536));", label);
        Message bigIn = events.awaitMessage("the browser's 64 KiB message");
        assertNotNull(bigIn.binary(), "binary");
        assertArrayEquals(big, bigIn.binary());

        assertTrue(channel.send(big, true));
        long sum = sum(big);
        awaitBrowserReceived(m -> m.get("length") != null && ((Number) m.get("length")).longValue() == big.length
                && ((Number) m.get("sum")).longValue() == sum);
    }

    /** On an unreliable channel a message may be lost: send again every 200 ms until the browser has one. */
    private void sendUntilBrowserReceived(DataChannel ch, String text) {
        String label = ch.label();
        Await.until(() -> {
            assertTrue(ch.send(text.getBytes(StandardCharsets.UTF_8), false), "send on " + label);
            Await.pause(java.time.Duration.ofMillis(200));
            return ((List<?>) browser.script("return window.t.received;")).stream()
                    .anyMatch(m -> label.equals(((Map<?, ?>) m).get("label")) && text.equals(((Map<?, ?>) m).get("text")));
        }, WAIT, () -> "the browser received " + browser.script("return window.t.received;") + browser.console());
    }

    private void awaitBrowserReceived(java.util.function.Predicate<Map<?, ?>> match) {
        Await.until(() -> ((List<?>) browser.script("return window.t.received;")).stream()
                        .anyMatch(m -> match.test((Map<?, ?>) m)), WAIT,
                () -> "the browser received " + browser.script("return window.t.received;") + browser.console());
    }

    private static byte[] pattern(int n) {
        byte[] a = new byte[n];
        for (int i = 0; i < n; i++) a[i] = (byte) ((i * 7 + 3) & 255);
        return a;
    }

    private static long sum(byte[] a) {
        long s = 0;
        for (byte b : a) s = (s * 31 + (b & 0xff)) & 0xffffffffL;
        return s;
    }

    private static String jsString(String s) {
        StringBuilder b = new StringBuilder("'");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\'' -> b.append("\\'");
                case '\r' -> b.append("\\r");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.append('\'').toString();
    }
}

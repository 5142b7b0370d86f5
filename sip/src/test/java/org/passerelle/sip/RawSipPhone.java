package org.passerelle.sip;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A test phone that speaks raw SIP text over UDP or TCP, so tests see exactly what goes on the wire. */
final class RawSipPhone implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(5);

    private final String transport;
    private final String localAddress;
    private final InetSocketAddress server;
    private final DatagramSocket udp;
    private final Socket tcp;
    private final InputStream tcpIn;
    private final byte[] tcpBuf = new byte[65536];
    private int tcpLen;
    final String callId = UUID.randomUUID() + "@test";
    final String fromTag = Long.toHexString(System.nanoTime());
    private int cseq = 1;
    /** Messages received but not yet consumed by an await. */
    private final List<String> backlog = new ArrayList<>();

    RawSipPhone(String transport, int serverPort) throws IOException {
        this(transport, serverPort, "127.0.0.1");
    }

    /** A phone on another loopback address (Linux routes all of 127.0.0.0/8 to lo). */
    RawSipPhone(String transport, int serverPort, String localAddress) throws IOException {
        this.transport = transport.toUpperCase(Locale.ROOT);
        this.server = new InetSocketAddress("127.0.0.1", serverPort);
        this.localAddress = localAddress;
        if (this.transport.equals("UDP")) {
            udp = new DatagramSocket(new InetSocketAddress(localAddress, 0));
            tcp = null;
            tcpIn = null;
        } else {
            udp = null;
            tcp = new Socket();
            tcp.bind(new InetSocketAddress(localAddress, 0));
            tcp.connect(server, 2000);
            tcpIn = tcp.getInputStream();
        }
    }

    /** A phone over TLS (RFC 3261 §26.2) through {@code tls}, which decides what it trusts. */
    RawSipPhone(javax.net.ssl.SSLSocketFactory tls, int serverPort) throws IOException {
        this.transport = "TLS";
        this.server = new InetSocketAddress("127.0.0.1", serverPort);
        this.localAddress = "127.0.0.1";
        this.udp = null;
        Socket plain = new Socket();
        plain.bind(new InetSocketAddress(localAddress, 0));
        plain.connect(server, 2000);
        javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) tls.createSocket(plain, "127.0.0.1", serverPort, true);
        s.startHandshake();
        this.tcp = s;
        this.tcpIn = s.getInputStream();
    }

    int localPort() {
        return udp != null ? udp.getLocalPort() : tcp.getLocalPort();
    }

    String transport() {
        return transport;
    }

    int nextCseq() {
        return cseq++;
    }

    static String branch() {
        return "z9hG4bK" + Long.toHexString(System.nanoTime()) + Integer.toHexString((int) (Math.random() * 1e6));
    }

    void send(String message) throws IOException {
        byte[] b = message.getBytes(StandardCharsets.UTF_8);
        if (udp != null) {
            udp.send(new DatagramPacket(b, b.length, server));
        } else {
            tcp.getOutputStream().write(b);
            tcp.getOutputStream().flush();
        }
    }

    /** A request line and the usual headers; {@code extra} are more header lines (each ending CRLF). */
    String request(String method, String ruri, String toTag, int cseqNo, String extra, String contentType, String body) {
        String b = body == null ? "" : body;
        return method + " " + ruri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/" + transport + " " + localAddress + ":" + localPort() + ";branch=" + branch() + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: \"Alice\" <sip:alice@127.0.0.1>;tag=" + fromTag + "\r\n"
                + "To: <" + ruri + ">" + (toTag != null ? ";tag=" + toTag : "") + "\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseqNo + " " + method + "\r\n"
                + "Contact: <sip:alice@" + localAddress + ":" + localPort() + ";transport=" + transport.toLowerCase(Locale.ROOT) + ">\r\n"
                + (extra == null ? "" : extra)
                + (contentType != null ? "Content-Type: " + contentType + "\r\n" : "")
                + "Content-Length: " + b.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + b;
    }

    /** Receives one message or null on timeout. */
    String receive(Duration timeout) throws IOException {
        if (!backlog.isEmpty()) return backlog.removeFirst();
        if (udp != null) {
            udp.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            byte[] b = new byte[65536];
            DatagramPacket p = new DatagramPacket(b, b.length);
            try {
                udp.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            return new String(b, 0, p.getLength(), StandardCharsets.UTF_8);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String m = takeTcpMessage();
            if (m != null) return m;
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) return null;
            tcp.setSoTimeout((int) left);
            try {
                int n = tcpIn.read(tcpBuf, tcpLen, tcpBuf.length - tcpLen);
                if (n < 0) return null;
                tcpLen += n;
            } catch (SocketTimeoutException e) {
                return null;
            }
        }
    }

    /** True when the server closed the TCP connection (read returns end of stream) within the wait. */
    boolean tcpClosed(Duration timeout) throws IOException {
        tcp.setSoTimeout((int) timeout.toMillis());
        try {
            while (true) {
                int n = tcpIn.read(tcpBuf, 0, tcpBuf.length);
                if (n < 0) return true;
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private String takeTcpMessage() {
        String s = new String(tcpBuf, 0, tcpLen, StandardCharsets.ISO_8859_1);
        // Keep-alive CRLFs between messages (RFC 5626 §3.5.1).
        int skip = 0;
        while (s.startsWith("\r\n", skip)) skip += 2;
        int end = s.indexOf("\r\n\r\n", skip);
        if (end < 0) return null;
        Matcher m = Pattern.compile("(?im)^(?:Content-Length|l)\\s*:\\s*(\\d+)").matcher(s.substring(skip, end));
        int bodyLen = m.find() ? Integer.parseInt(m.group(1)) : 0;
        int total = end + 4 + bodyLen;
        if (tcpLen < total) return null;
        String msg = new String(tcpBuf, skip, total - skip, StandardCharsets.UTF_8);
        System.arraycopy(tcpBuf, total, tcpBuf, 0, tcpLen - total);
        tcpLen -= total;
        return msg;
    }

    /** Waits for a response with this status to this method; other messages are kept for later. */
    String awaitResponse(int status, String method) throws IOException {
        List<String> skipped = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                String m = receive(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
                if (m == null) break;
                if (m.startsWith("SIP/2.0 " + status + " ") && method.equalsIgnoreCase(cseqMethod(m))) return m;
                skipped.add(m);
            }
        } finally {
            backlog.addAll(skipped);
        }
        throw new AssertionError("no " + status + " to " + method + "; got " + skipped);
    }

    /** Waits for a request with this method from the server. */
    String awaitRequest(String method) throws IOException {
        List<String> skipped = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                String m = receive(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
                if (m == null) break;
                if (m.startsWith(method + " ")) return m;
                skipped.add(m);
            }
        } finally {
            backlog.addAll(skipped);
        }
        throw new AssertionError("no " + method + "; got " + skipped);
    }

    /** Anything at all within the wait (used to prove silence). */
    String anyWithin(Duration d) throws IOException {
        return receive(d);
    }

    static String header(String message, String name) {
        Matcher m = Pattern.compile("(?im)^" + Pattern.quote(name) + "\\s*:\\s*(.*?)\\r?$").matcher(headers(message));
        return m.find() ? m.group(1).trim() : null;
    }

    static String headers(String message) {
        int i = message.indexOf("\r\n\r\n");
        return i < 0 ? message : message.substring(0, i);
    }

    static String body(String message) {
        int i = message.indexOf("\r\n\r\n");
        return i < 0 ? "" : message.substring(i + 4);
    }

    static String cseqMethod(String message) {
        String c = header(message, "CSeq");
        return c == null ? "" : c.split("\\s+")[1];
    }

    static String toTag(String message) {
        Matcher m = Pattern.compile("tag=([^;>\\s]+)").matcher(header(message, "To"));
        return m.find() ? m.group(1) : null;
    }

    /** An ACK for a 2xx: new transaction, same dialog (RFC 3261 §13.2.2.4). */
    String ack(String ok, String ruri, int inviteCseq, String contentType, String body) {
        return request("ACK", ruri, toTag(ok), inviteCseq, null, contentType, body);
    }

    /** A 200 OK for a request the server sent us (e.g. its BYE). */
    String okFor(String request) {
        StringBuilder sb = new StringBuilder("SIP/2.0 200 OK\r\n");
        for (String h : new String[] {"Via", "From", "To", "Call-ID", "CSeq"}) {
            Matcher m = Pattern.compile("(?im)^" + h + "\\s*:.*?$").matcher(headers(request));
            while (m.find()) sb.append(m.group().trim()).append("\r\n");
        }
        return sb.append("Content-Length: 0\r\n\r\n").toString();
    }

    static String sdp(int rtpPort, String address, String mediaFormats, String... attributes) {
        StringBuilder sb = new StringBuilder("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 " + address
                + "\r\nt=0 0\r\nm=audio " + rtpPort + " RTP/AVP " + mediaFormats + "\r\n");
        for (String a : attributes) sb.append("a=").append(a).append("\r\n");
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        if (udp != null) udp.close();
        if (tcp != null) tcp.close();
    }

    static InetAddress loopback() {
        return InetAddress.getLoopbackAddress();
    }
}

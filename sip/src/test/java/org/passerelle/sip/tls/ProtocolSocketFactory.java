package org.passerelle.sip.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/** Restricts the protocol versions a client offers (to check what the server refuses). */
final class ProtocolSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory f;
    private final String[] protocols;

    ProtocolSocketFactory(SSLSocketFactory f, String[] protocols) {
        this.f = f;
        this.protocols = protocols;
    }

    private Socket restrict(Socket s) {
        ((SSLSocket) s).setEnabledProtocols(protocols);
        return s;
    }

    @Override public String[] getDefaultCipherSuites() { return f.getDefaultCipherSuites(); }
    @Override public String[] getSupportedCipherSuites() { return f.getSupportedCipherSuites(); }
    @Override public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        return restrict(f.createSocket(s, host, port, autoClose));
    }
    @Override public Socket createSocket(String host, int port) throws IOException { return restrict(f.createSocket(host, port)); }
    @Override public Socket createSocket(String host, int port, InetAddress la, int lp) throws IOException {
        return restrict(f.createSocket(host, port, la, lp));
    }
    @Override public Socket createSocket(InetAddress host, int port) throws IOException { return restrict(f.createSocket(host, port)); }
    @Override public Socket createSocket(InetAddress a, int port, InetAddress la, int lp) throws IOException {
        return restrict(f.createSocket(a, port, la, lp));
    }
}

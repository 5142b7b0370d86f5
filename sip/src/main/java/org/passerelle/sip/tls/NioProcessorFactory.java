package org.passerelle.sip.tls;

import gov.nist.core.HostPort;
import gov.nist.javax.sip.stack.ConnectionOrientedMessageChannel;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.MessageProcessorFactory;
import gov.nist.javax.sip.stack.NIOHandler;
import gov.nist.javax.sip.stack.NioMessageProcessorFactory;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsMessageChannel;
import gov.nist.javax.sip.stack.NioTlsMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.SSLStateMachine;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JAIN-SIP's NIO message processors (the stack's {@code gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY}),
 * with two fixes on the TLS connections we open (outbound trunks); UDP, TCP and the TLS
 * connections phones open to us are left exactly as JAIN-SIP makes them.
 *
 * <ol>
 * <li>jain-sip-ri 1.3.0-91's {@code NIOHandler.openOutgoingConnection} puts the socket it has just
 * connected in its socket table and takes it out again on its way out (its "connected" flag is
 * never set). A new client channel so holds a socket the table does not, and its first send opens
 * a second one: over TCP that wastes a connection, over TLS the channel restarts its SSL engine on
 * the new socket and the request queued in the old engine (our first INVITE) is never sent.
 * {@link SocketKeepingHandler} puts the socket back before the channel's first send.</li>
 * <li>Its {@code SSLStateMachine} stops reading when the engine reports BUFFER_UNDERFLOW, even when
 * the engine also needs to write. A TLS 1.3 client is in exactly that state once it has read the
 * server's Finished (RFC 8446 §4.4.4: it must now send its own), so the handshake stalls with
 * our request still queued. {@link ClientTlsChannel} asks the state machine to write what it holds
 * after each read until the first application data arrives.</li>
 * </ol>
 */
public final class NioProcessorFactory implements MessageProcessorFactory {
    private static final Logger LOG = LoggerFactory.getLogger(NioProcessorFactory.class);

    private final MessageProcessorFactory jainSip = new NioMessageProcessorFactory();

    @Override
    public MessageProcessor createMessageProcessor(SIPTransactionStack stack, InetAddress address, int port,
                                                   String transport) throws IOException {
        if ("TLS".equalsIgnoreCase(transport)) return new TlsProcessor(address, stack, port);
        return jainSip.createMessageProcessor(stack, address, port, transport);
    }

    /** JAIN-SIP's TLS processor; connections it opens are {@link ClientTlsChannel}s on a {@link SocketKeepingHandler}. */
    static final class TlsProcessor extends NioTlsMessageProcessor {
        TlsProcessor(InetAddress address, SIPTransactionStack stack, int port) {
            super(address, stack, port);
            // No channel exists yet: each one takes the processor's handler when it is made.
            nioHandler = new SocketKeepingHandler(stack, this);
        }

        @Override
        public MessageChannel createMessageChannel(HostPort target) throws IOException {
            return clientChannel(MessageChannel.getKey(target, transport), target.getInetAddress(), target.getPort());
        }

        @Override
        public MessageChannel createMessageChannel(InetAddress address, int port) throws IOException {
            return clientChannel(MessageChannel.getKey(address, port, transport), address, port);
        }

        /** The cached channel to that peer, or a new one (as JAIN-SIP's own lookup does). */
        private synchronized MessageChannel clientChannel(String key, InetAddress address, int port)
                throws IOException {
            ConnectionOrientedMessageChannel channel = messageChannels.get(key);
            if (channel == null) {
                channel = new ClientTlsChannel(address, port, sipStack, this);
                messageChannels.put(key, channel);
            }
            return channel;
        }
    }

    /** Keeps in its table the socket a new client channel connects (fix 1 of the class comment). */
    static final class SocketKeepingHandler extends NIOHandler {
        SocketKeepingHandler(SIPTransactionStack stack, NioTcpMessageProcessor processor) {
            super(stack, processor);
        }

        @Override
        public SocketChannel createOrReuseSocket(InetAddress address, int port) throws IOException {
            SocketChannel socket = super.createOrReuseSocket(address, port);
            String key = makeKey(address, port);
            if (socket != null && socket.isOpen() && getSocket(key) == null) putSocket(key, socket);
            return socket;
        }
    }

    /** A TLS connection we open, whose handshake cannot stall (fix 2 of the class comment). */
    static final class ClientTlsChannel extends NioTlsMessageChannel {
        /** NioTlsMessageChannel's state machine: package-private there, with no getter. */
        private static final Field STATE_MACHINE = stateMachineField();

        /** Decrypted bytes have arrived since the last (re)start of the SSL engine: the handshake is over. */
        private volatile boolean applicationData;

        ClientTlsChannel(InetAddress address, int port, SIPTransactionStack stack, NioTcpMessageProcessor processor)
                throws IOException {
            super(address, port, stack, processor);
            isCached = true;
        }

        @Override
        public void init(boolean clientMode) throws Exception {
            applicationData = false;
            super.init(clientMode);
        }

        @Override
        protected void addBytes(byte[] bytes) throws Exception {
            try {
                super.addBytes(bytes);
            } catch (SSLException e) {
                // JAIN-SIP closes the connection without a word; the request then times out (408).
                LOG.warn("TLS with {}:{} failed: {}", peerAddress.getHostAddress(), peerPort, e.getMessage());
                throw e;
            }
            if (!applicationData && STATE_MACHINE != null) {
                // Writes the handshake's pending records, then our queued requests; does nothing
                // while the engine waits for the peer.
                ((SSLStateMachine) STATE_MACHINE.get(this)).wrapRemaining();
            }
        }

        @Override
        public void addPlaintextBytes(byte[] bytes) throws Exception {
            applicationData = true;
            super.addPlaintextBytes(bytes);
        }

        private static Field stateMachineField() {
            try {
                Field f = NioTlsMessageChannel.class.getDeclaredField("sslStateMachine");
                f.setAccessible(true);
                return f;
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.warn("JAIN-SIP without NioTlsMessageChannel.sslStateMachine ({}): TLS 1.3 connections we open may"
                        + " stall", e.toString());
                return null;
            }
        }
    }
}

package org.passerelle.sip;

import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.header.CallID;
import gov.nist.javax.sip.header.ContentLength;
import gov.nist.javax.sip.header.From;
import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.header.ViaList;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.text.ParseException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JAIN-SIP's parser (gov.nist.javax.sip.MESSAGE_PARSER_FACTORY) made consistent across transports.
 * What the stack does by itself: over UDP a bad essential header gets an automatic 400 whose
 * reason phrase carries the parser's multi-line error (a broken response) and echoes the bad
 * header; over TCP the channel's ParseExceptionListener lets it through and the message is then
 * silently dropped. Here: a bad non-essential header is still tolerated (the stack's listener
 * decides, RFC 3261 §7.3 robustness); a bad essential one (request line, Via, From, To, Call-ID,
 * CSeq, Content-Length) makes the request malformed, and if it can be answered it is handed on
 * as a salvaged request ({@link MalformedRequest}) that the router answers with a clean 400.
 */
public final class AnsweringParserFactory implements MessageParserFactory {
    private static final Logger LOG = LoggerFactory.getLogger(AnsweringParserFactory.class);
    private static final Set<Class<?>> ESSENTIAL = Set.of(RequestLine.class, Via.class, ViaList.class, From.class,
            To.class, CallID.class, CSeq.class, ContentLength.class);

    @Override
    public MessageParser createMessageParser(SIPTransactionStack stack) {
        return new Parser();
    }

    private static final class Parser implements MessageParser {
        private final StringMsgParser delegate = new StringMsgParser();

        @Override
        public SIPMessage parseSIPMessage(byte[] msg, boolean readBody, boolean strict, ParseExceptionListener pel)
                throws ParseException {
            ParseExceptionListener essentialsStrict = (ex, sipMessage, headerClass, header, message) -> {
                if (headerClass != null && ESSENTIAL.contains(headerClass)) throw ex;
                if (pel != null) pel.handleException(ex, sipMessage, headerClass, header, message);
            };
            try {
                return delegate.parseSIPMessage(msg, readBody, strict, essentialsStrict);
            } catch (ParseException e) {
                SIPRequest salvaged = MalformedRequest.salvage(msg, e.getMessage());
                if (salvaged == null) {
                    LOG.debug("unreadable message dropped: {}", MalformedRequest.sanitize(e.getMessage()));
                    throw e;
                }
                return salvaged;
            }
        }
    }
}

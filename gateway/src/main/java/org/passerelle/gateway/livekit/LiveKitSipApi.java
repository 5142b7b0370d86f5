package org.passerelle.gateway.livekit;

import io.livekit.server.SipServiceClient;
import java.io.IOException;
import java.util.List;
import livekit.LivekitSip.SIPDispatchRuleInfo;
import livekit.LivekitSip.SIPInboundTrunkInfo;
import retrofit2.Response;

/**
 * The two questions the LiveKit dial-plan source asks a LiveKit server's SIP API (Twirp over
 * HTTP): its inbound trunks and its dispatch rules. An interface so that tests answer with fakes.
 */
public interface LiveKitSipApi {

    List<SIPInboundTrunkInfo> inboundTrunks() throws IOException;

    List<SIPDispatchRuleInfo> dispatchRules() throws IOException;

    /** Where the answers come from, for logs (the server's URL; never the secret). */
    String server();

    /** The real API of {@code config}'s server, through livekit-server's {@link SipServiceClient}. */
    static LiveKitSipApi of(LiveKitConfig config) {
        String http = httpBase(config.url());
        SipServiceClient client = SipServiceClient.Companion.createClient(http, config.apiKey(), config.apiSecret());
        return new LiveKitSipApi() {
            @Override
            public List<SIPInboundTrunkInfo> inboundTrunks() throws IOException {
                return body(client.listSipInboundTrunk().execute(), "ListSIPInboundTrunk");
            }

            @Override
            public List<SIPDispatchRuleInfo> dispatchRules() throws IOException {
                return body(client.listSipDispatchRule().execute(), "ListSIPDispatchRule");
            }

            @Override
            public String server() {
                return http;
            }
        };
    }

    private static <T> List<T> body(Response<List<T>> r, String what) throws IOException {
        if (!r.isSuccessful()) {
            String detail = "";
            try (var err = r.errorBody()) {
                if (err != null) detail = ": " + err.string();
            }
            throw new IOException(what + " answered HTTP " + r.code() + detail);
        }
        return r.body() == null ? List.of() : r.body();
    }

    /** The server APIs live on the signal endpoint's host: ws→http, wss→https. */
    static String httpBase(String url) {
        String u = url;
        if (u.regionMatches(true, 0, "ws", 0, 2)) u = "http" + u.substring(2);
        while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
        return u;
    }
}

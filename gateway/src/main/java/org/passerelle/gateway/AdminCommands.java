package org.passerelle.gateway;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.passerelle.dialplan.CallFacts;
import org.passerelle.dialplan.Decision;
import org.passerelle.dialplan.Explanation;
import org.passerelle.gateway.config.ConfigException;
import org.passerelle.gateway.config.GatewayConfig;
import org.passerelle.gateway.call.CallRegistry;
import org.passerelle.gateway.config.Telephony;
import org.passerelle.gateway.ivr.PinDirectory;
import org.passerelle.gateway.livekit.LiveKitDialPlan;
import org.passerelle.gateway.livekit.LiveKitDialPlanSource;
import org.passerelle.gateway.livekit.LiveKitSipApi;
import org.passerelle.transcoder.prompt.PromptException;
import org.passerelle.transcoder.prompt.PromptLibrary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Tools for telephony admins: check a config file, explain the dial plan's decision for a call. */
final class AdminCommands {
    private AdminCommands() {}

    /** Loads a config file and checks what can only be checked with files at hand (prompts). */
    static GatewayConfig loadChecked(Path file) throws ConfigException {
        GatewayConfig config = GatewayConfig.load(file);
        Telephony.Ivr ivr = config.telephony().ivr();
        try {
            PromptLibrary prompts = new PromptLibrary(ivr.promptsDir());
            prompts.loadAll(PromptLibrary.LANGUAGES, PromptLibrary.NAMES);
        } catch (PromptException e) {
            throw new ConfigException(file.toString(), List.of("ivr.promptsDir: " + e.getMessage()));
        }
        return config;
    }

    @Command(name = "config", description = "Config file tools.", subcommands = {Check.class},
            mixinStandardHelpOptions = true)
    static final class ConfigCommand {}

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check a config file: every error with its path and line; exit code 1 if any.")
    static final class Check implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "the YAML config file")
        Path file;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintStream out = spec.commandLine().getOut() == null ? System.out : System.out;
            try {
                GatewayConfig c = loadChecked(file);
                Telephony t = c.telephony();
                out.printf("%s: OK (%d inbound and %d outbound trunks, %d dial-plan rules, %d PIN directories)%n",
                        file, t.inbound().size(), t.outbound().size(), t.dialPlan().rules().size(), t.pins().size());
                return 0;
            } catch (ConfigException e) {
                System.err.println(e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "dialplan", description = "Dial-plan tools.", subcommands = {Explain.class},
            mixinStandardHelpOptions = true)
    static final class DialPlanCommand {}

    @Command(name = "explain", mixinStandardHelpOptions = true,
            description = "Say which dial-plan rule a call matches, why, and what will happen.")
    static final class Explain implements Callable<Integer> {
        @Option(names = "--to", required = true, description = "the called number or user part")
        String to;

        @Option(names = "--from", defaultValue = "anonymous", description = "the caller's number")
        String from;

        @Option(names = "--trunk", description = "the inbound trunk the call comes through")
        String trunk;

        @Option(names = "--header", description = "a SIP header of the INVITE, NAME=VALUE (repeatable)")
        List<String> headers;

        @Option(names = "--config", description = "the YAML config file (env PASSERELLE_CONFIG; default: built-in plan)")
        Path config;

        @Override
        public Integer call() {
            Path file = config;
            if (file == null && System.getenv("PASSERELLE_CONFIG") != null) file = Path.of(System.getenv("PASSERELLE_CONFIG"));
            Telephony t;
            try {
                t = file == null ? Telephony.defaults() : GatewayConfig.load(file).telephony();
            } catch (ConfigException e) {
                System.err.println(e.getMessage());
                return 1;
            }
            Map<String, String> h = new LinkedHashMap<>();
            if (headers != null) {
                for (String kv : headers) {
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        System.err.println("--header must be NAME=VALUE, not " + kv);
                        return 2;
                    }
                    h.put(kv.substring(0, eq).trim().toLowerCase(java.util.Locale.ROOT), kv.substring(eq + 1).trim());
                }
            }
            if (trunk != null && t.inbound().stream().noneMatch(it -> it.name().equals(trunk))) {
                System.out.println("note: no inbound trunk is named " + trunk + " in this config");
            }
            LiveKitDialPlan liveKit = null;
            if (t.liveKitDialPlanRefresh() != null) {
                // livekit.dialPlan: read the server's trunks and dispatch rules once, as the gateway does.
                LiveKitDialPlanSource source = new LiveKitDialPlanSource(LiveKitSipApi.of(t.livekit()));
                if (source.refresh()) {
                    liveKit = source.current();
                    System.out.println("LiveKit rules from " + source.server() + ": " + liveKit);
                    for (String s : liveKit.skipped()) System.out.println("  not mapped: " + s);
                } else {
                    System.out.println("note: the LiveKit server " + source.server()
                            + " did not give its SIP rules (" + source.lastFailure() + "); local rules only");
                }
            }
            Explanation e = CallRegistry.explain(t, liveKit, new CallFacts(to, from, null, "0.0.0.0", h, trunk));
            System.out.print(e.toText());
            if (e.decision() instanceof Decision.AskPin p) {
                PinDirectory dir = CallRegistry.pinDirectory(t, liveKit, p.directory());
                if (dir != null) System.out.println("PIN directory " + p.directory() + ": " + dir.describe());
            }
            return 0;
        }
    }
}

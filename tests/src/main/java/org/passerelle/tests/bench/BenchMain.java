package org.passerelle.tests.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Entry point of {@code ./passerelle bench}: {@code jmh [JMH args]} runs the micro-benchmarks with
 * quick defaults (each replaced by the same option given on the command line); {@code load ...}
 * runs the {@link LoadHarness}.
 */
public final class BenchMain {
    /** One fork, two 1 s warm-ups, three 1 s measurements: a table in a few minutes. */
    private static final List<String[]> JMH_DEFAULTS = List.of(
            new String[] {"-f", "1"}, new String[] {"-wi", "2"}, new String[] {"-w", "1s"},
            new String[] {"-i", "3"}, new String[] {"-r", "1s"});

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        String cmd = args.length == 0 ? "help" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        switch (cmd) {
            case "jmh" -> org.openjdk.jmh.Main.main(jmhArgs(rest));
            case "load" -> System.exit(LoadHarness.main(rest));
            default -> {
                System.err.println("""
                        usage: bench jmh [JMH options] [benchmark regexp]
                                 quick defaults: -f 1 -wi 2 -w 1s -i 3 -r 1s (give any to override); -h lists JMH's options
                               bench load --calls N --seconds T [--rooms R] [--rate CPS] [--jar FILE] [--out DIR] [--jfr true]
                                 [--platform embedded|livekit] [--peer livekit-sip|none]""");
                System.exit(cmd.equals("help") ? 0 : 2);
            }
        }
    }

    static String[] jmhArgs(String[] user) {
        Set<String> given = Set.copyOf(Arrays.asList(user));
        List<String> out = new ArrayList<>();
        for (String[] d : JMH_DEFAULTS) {
            if (!given.contains(d[0])) out.addAll(Arrays.asList(d));
        }
        // The Opus natives are loaded through JNI by libjitsi: opt in, as the gateway's jar does.
        out.add("-jvmArgsAppend");
        out.add("--enable-native-access=ALL-UNNAMED");
        out.addAll(Arrays.asList(user));
        return out.toArray(String[]::new);
    }
}

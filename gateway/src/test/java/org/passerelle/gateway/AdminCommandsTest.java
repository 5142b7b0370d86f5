package org.passerelle.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The admin commands as an admin runs them: exit codes and what they print. */
class AdminCommandsTest {
    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {}

    private static synchronized Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = new CommandLine(new Main()).execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private Path write(String name, String yaml) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, yaml);
        return f;
    }

    private static final String GOOD = """
            trunks:
              inbound:
                - name: operator
                  sources: [192.0.2.0/24]
            pins:
              default: {static: {"123456": board}}
            dialplan:
              rules:
                - name: did
                  match: {trunk: operator, to: "+33142000000"}
                  join: accueil
                - name: pin-line
                  match: {to: {prefix: "+33199"}}
                  pin: {directory: default, language: fr}
            """;

    @Test
    void checkAcceptsAGoodFile() throws Exception {
        Result r = run("config", "check", write("good.yaml", GOOD).toString());
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.contains("OK (1 inbound and 0 outbound trunks, 2 dial-plan rules, 1 PIN directories)"), r.out);
    }

    @Test
    void checkListsEveryErrorWithItsLineAndFails() throws Exception {
        Result r = run("config", "check", write("bad.yaml", """
                trunks:
                  inbound:
                    - name: operator
                      auth:
                        username: gw
                """).toString());
        assertEquals(1, r.code);
        assertTrue(r.err.contains("trunks.inbound[0].sources: required: the IPs or CIDRs calls come from (line 3)"), r.err);
        assertTrue(r.err.contains("trunks.inbound[0].auth.password: required (line 4)"), r.err);
    }

    @Test
    void checkNamesAMissingFile() {
        Result r = run("config", "check", dir.resolve("nope.yaml").toString());
        assertEquals(1, r.code);
        assertTrue(r.err.contains("nope.yaml"), r.err);
        assertTrue(r.err.contains("cannot be read"), r.err);
    }

    @Test
    void explainSaysWhichRuleMatchesAndWhy() throws Exception {
        Result r = run("dialplan", "explain", "--config", write("good.yaml", GOOD).toString(), "--to", "01 42 00 00 00",
                "--from", "0612345678", "--trunk", "operator");
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.contains("call to +33142000000 from +33612345678"), r.out);
        assertTrue(r.out.contains("1. did"), r.out);
        assertTrue(r.out.contains("MATCH: trunk operator, called number exactly +33142000000"), r.out);
        assertTrue(r.out.contains("rule did → join room accueil"), r.out);
    }

    @Test
    void explainShowsThePinDirectory() throws Exception {
        Result r = run("dialplan", "explain", "--config", write("good.yaml", GOOD).toString(), "--to", "+33199000000");
        assertTrue(r.out.contains("rule pin-line → ask for a PIN (fr, 3 attempts, ended by #) from directory default"),
                r.out);
        assertTrue(r.out.contains("PIN directory default: static (1 PINs)"), r.out);
    }

    @Test
    void explainWithoutConfigUsesRoomNames() {
        Result r = run("dialplan", "explain", "--to", "demo");
        assertTrue(r.out.contains("no rule matched → join room demo"), r.out);
    }
}

package org.passerelle.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.passerelle.dialplan.CallFacts;
import org.passerelle.dialplan.Decision;

/** The admin guide's example config in README.md is valid and does what the guide says. */
class ReadmeExampleTest {

    @Test
    void theReadmeExampleConfigIsValid() throws Exception {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme);
        Matcher m = Pattern.compile("A complete, commented example.*?```yaml\\n(.*?)```", Pattern.DOTALL).matcher(text);
        assertTrue(m.find(), "README.md has the example config");
        Telephony t = GatewayConfig.parse("README.md example", m.group(1)).telephony();
        assertEquals(2, t.inbound().size());
        assertEquals(new Decision.AskPin("meetings", "fr", 3, 0), t.dialPlan().route(
                new CallFacts("0142000009", "0612345678", null, "192.0.2.5", null, "operator")));
        assertEquals(new Decision.JoinRoom("salle-123"), t.dialPlan().route(
                new CallFacts("7123", "2001", null, "198.51.100.7", null, "mairie-pbx")));
        assertEquals(new Decision.JoinRoom("conseil"), t.dialPlan().route(
                new CallFacts("+33142000002", "0612345678", null, "192.0.2.5", null, "operator")));
    }
}

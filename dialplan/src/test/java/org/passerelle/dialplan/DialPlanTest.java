package org.passerelle.dialplan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DialPlanTest {
    private final DialPlan plan = DialPlan.builtIn();

    private static CallFacts to(String user) {
        return new CallFacts(user, "1000", null, "127.0.0.1", null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "Team-1", "a.b_c", "x"})
    void validNamesJoinTheRoomOfThatName(String name) {
        assertEquals(new Decision.JoinRoom(name), plan.route(to(name)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "caf\u00e9", "a/b", "a@b", "%41"})
    void invalidNamesAreNotFound(String name) {
        assertEquals(new Decision.Reject(404, "Not Found"), plan.route(to(name)));
    }

    @Test
    void nameOf64IsAcceptedAnd65IsNot() {
        assertEquals(new Decision.JoinRoom("a".repeat(64)), plan.route(to("a".repeat(64))));
        assertEquals(new Decision.Reject(404, "Not Found"), plan.route(to("a".repeat(65))));
    }

    @Test
    void missingUserIsNotFound() {
        assertEquals(new Decision.Reject(404, "Not Found"), plan.route(to(null)));
    }
}

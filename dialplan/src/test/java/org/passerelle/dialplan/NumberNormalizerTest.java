package org.passerelle.dialplan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NumberNormalizerTest {
    private final NumberNormalizer fr = new NumberNormalizer("FR");

    @ParameterizedTest
    @CsvSource({
            "0142000000,     +33142000000",
            "01 42 00 00 00, +33142000000",
            "+33142000000,   +33142000000",
            "0033142000000,  +33142000000",
            "+4930123456,    +4930123456",
            "demo,           demo",
            "room-1,         room-1",
    })
    void normalizesToE164InTheDefaultCountry(String in, String out) {
        assertEquals(out, fr.normalize(in));
    }

    @Test
    void aBelgianNationalNumberInBelgium() {
        assertEquals("+3222000000", new NumberNormalizer("BE").normalize("02 200 00 00"));
    }

    @Test
    void shortExtensionsStayDigits() {
        assertEquals("1000", fr.normalize("1000"));
    }

    @ParameterizedTest
    @CsvSource({"+33142000000, fr", "+3222000000, fr", "+41221234567, fr", "+4930123456, en",
            "+442071234567, en", "1000, en"})
    void languageFromTheCallersCountry(String number, String language) {
        assertEquals(language, fr.languageOf(number));
    }

    @Test
    void unknownCountryIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new NumberNormalizer("XX"));
    }
}

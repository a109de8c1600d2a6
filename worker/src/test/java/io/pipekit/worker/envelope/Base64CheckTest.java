package io.pipekit.worker.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@link Payload#isBase64} accepts exactly what the JDK's strict RFC 4648 decoder accepts. */
class Base64CheckTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "AAAA", "AB==", "ABC=", "eyJ0eXBlIjoib3JkZXIuY3JlYXRlZCIsImlkIjoiNDIifQ==", "+/+/"})
    void acceptsBase64(String text) {
        assertThat(Payload.isBase64(text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"A", "AB=", "A===", "====", "A=B=", "AB=C", "AB-_", "AB\nC", "ABC€", "AB C", "not base64"})
    void rejectsEverythingElse(String text) {
        assertThat(Payload.isBase64(text)).isFalse();
    }

    @Test
    void agreesWithTheJdkDecoderOnRandomText() {
        Random random = new Random(11);
        String alphabet = "ABCxyz019+/=-_ \u00e9";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int j = 0, n = random.nextInt(9); j < n; j++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            boolean jdk;
            try {
                Base64.getDecoder().decode(text.toString());
                jdk = text.length() % 4 == 0; // the JDK also accepts unpadded input; the check requires padding
            } catch (IllegalArgumentException e) {
                jdk = false;
            }
            assertThat(Payload.isBase64(text.toString())).as(text.toString()).isEqualTo(jdk);
        }
    }
}

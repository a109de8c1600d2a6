package io.pipekit.worker.envelope;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one mapper the decoder parses with. */
final class Jackson {

    /**
     * Trailing tokens fail the parse: {@code {"a":1} junk} is not a JSON body, so it must stay a raw
     * payload rather than be read as its first value.
     */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Jackson() {
    }

    /** Cheap pre-check before a parse: all envelopes are JSON objects. */
    static boolean startsLikeObject(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c == '{') {
                return true;
            }
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return false;
            }
        }
        return false;
    }

    /** Cheap pre-check before a parse: could this text be any JSON value at all? */
    static boolean startsLikeJson(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                continue;
            }
            return c == '{' || c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9')
                    || c == 't' || c == 'f' || c == 'n';
        }
        return false;
    }
}

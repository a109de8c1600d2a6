package io.pipekit.worker;

import java.nio.ByteBuffer;

/**
 * A user message attribute. {@code dataType} is {@code String}, {@code Number} or {@code Binary},
 * optionally with a custom suffix ({@code Number.float}); exactly one of the values is set.
 */
public record MessageAttribute(String dataType, String stringValue, ByteBuffer binaryValue) {

    public static MessageAttribute ofString(String value) {
        return new MessageAttribute("String", value, null);
    }

    public boolean isBinary() {
        return dataType.startsWith("Binary");
    }
}

package io.pipekit.local;

/**
 * Which npm Kinesis emulator {@link EmbeddedKinesis} runs (docs/emulators.md §4).
 */
public enum KinesisBackend {
    /**
     * kinesis-mock ({@code kinesis-local}): the faithful default. Speaks CBOR and JSON, accepts
     * {@code StreamARN}-only requests; its puts slow down as a stream fills (≈700 records/s over
     * 10,000 records).
     */
    KINESIS_MOCK,
    /**
     * kinesalite: about ten times faster and flat under load, but its GetRecords breaks the SDK's
     * CBOR decoding (so CBOR is switched off) and it cannot address streams by ARN.
     */
    KINESALITE;

    /** Reads {@code kinesis-mock} / {@code kinesalite} (case-insensitive), as used by {@code -Dpipekit.kinesis.backend}. */
    public static KinesisBackend parse(String value) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "kinesis-mock", "kinesis_mock", "kinesis-local", "mock" -> KINESIS_MOCK;
            case "kinesalite" -> KINESALITE;
            default -> throw new IllegalArgumentException(
                    "unknown Kinesis backend '" + value + "': use kinesis-mock or kinesalite");
        };
    }
}

package io.pipekit.worker.sqsd;

/** What the forwarder POSTs as the request body ({@code PIPEKIT_SQSD_BODY}). */
public enum BodyMode {
    /** The SQS message body byte for byte, as Elastic Beanstalk's sqsd sends it (the default). */
    RAW,
    /**
     * The payload inside the envelope (Kinesis {@code data}, EventBridge {@code detail}, SNS
     * {@code Message} decoded again, …) with the envelope's metadata in {@code X-Pipekit-*} headers.
     */
    DECODED
}

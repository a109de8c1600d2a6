package io.pipekit.worker.envelope;

/** Resource names out of ARNs, for routing by name and for log summaries. */
final class Arns {

    private Arns() {
    }

    /** The resource part after the 5th colon: {@code stream/orders}, {@code table/T/stream/…}, {@code my-queue}. */
    static String resource(String arn) {
        if (arn == null) {
            return null;
        }
        int colons = 0;
        for (int i = 0; i < arn.length(); i++) {
            if (arn.charAt(i) == ':' && ++colons == 5) {
                return arn.substring(i + 1);
            }
        }
        return null;
    }

    /** {@code arn:aws:kinesis:r:a:stream/orders} → {@code orders}; {@code table/T/stream/x} → {@code T}. */
    static String nameAfter(String arn, String type) {
        String resource = resource(arn);
        if (resource == null || !resource.startsWith(type + "/")) {
            return null;
        }
        int start = type.length() + 1;
        int end = resource.indexOf('/', start);
        return end < 0 ? resource.substring(start) : resource.substring(start, end);
    }
}

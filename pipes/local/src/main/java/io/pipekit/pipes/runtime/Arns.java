package io.pipekit.pipes.runtime;

/** Pieces of ARNs ({@code arn:partition:service:region:account:resource}). */
final class Arns {

    private Arns() {}

    static String region(String arn) {
        return part(arn, 3);
    }

    static String account(String arn) {
        return part(arn, 4);
    }

    static String resource(String arn) {
        return part(arn, 5);
    }

    /** The last path element of the resource: the queue name, the stream name. */
    static String name(String arn) {
        String resource = resource(arn);
        int slash = resource.indexOf('/');
        return slash < 0 ? resource : resource.substring(slash + 1);
    }

    private static String part(String arn, int index) {
        String[] parts = arn.split(":", 6);
        if (parts.length != 6) {
            throw PipesApiException.validation("Invalid ARN: " + arn);
        }
        return parts[index];
    }
}

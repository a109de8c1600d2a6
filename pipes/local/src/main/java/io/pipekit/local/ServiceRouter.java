package io.pipekit.local;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides which emulated service a request to the single endpoint is for, from what every AWS SDK
 * puts on the wire — the way LocalStack's service router does:
 * <ol>
 *   <li>the signing service in the SigV4 credential scope ({@code Authorization: AWS4-HMAC-SHA256
 *       Credential=AKID/20260101/us-east-1/<b>sqs</b>/aws4_request, ...}, or {@code X-Amz-Credential} of a
 *       presigned URL);</li>
 *   <li>the {@code X-Amz-Target} prefix of the JSON protocols ({@code AmazonSQS.}, {@code Kinesis_20131202.},
 *       {@code DynamoDB_20120810.}, {@code DynamoDBStreams_20120810.}, {@code AWSEvents.});</li>
 *   <li>the path: Pipes is REST ({@code /v1/pipes/...}, {@code /tags/arn:aws:pipes:...}), an SQS queue URL
 *       is {@code /<account>/<queue>}, and a form-encoded body is the SQS query protocol.</li>
 * </ol>
 * The first rule that names a service wins; an unsigned, untargeted request falls through to the path.
 */
final class ServiceRouter {

    /** The service field of {@code Credential=<key>/<date>/<region>/<service>/aws4_request}. */
    private static final Pattern CREDENTIAL_SCOPE = Pattern.compile("Credential=[^/,\\s]*/\\d{8}/[^/,\\s]+/([^/,\\s]+)/aws4_request");
    private static final Pattern QUEUE_PATH = Pattern.compile("^/(\\d{12}|queue)/[^/]+/?$");

    private ServiceRouter() {}

    /** A request's routing-relevant parts; any may be null. */
    record Request(String method, String path, String query, String authorization, String target, String contentType) {}

    /** The service a request is for, or empty when nothing in it names one this stack runs. */
    static Optional<LocalService> route(Request request) {
        Optional<String> signing = signingService(request.authorization());
        if (signing.isEmpty() && request.query() != null && request.query().contains("X-Amz-Credential=")) {
            signing = signingService("Credential=" + java.net.URLDecoder.decode(
                    request.query().replaceFirst(".*X-Amz-Credential=([^&]*).*", "$1"), java.nio.charset.StandardCharsets.UTF_8));
        }
        if (signing.isPresent()) {
            Optional<LocalService> bySigning = bySigningName(signing.get());
            if (bySigning.isPresent()) {
                return bySigning;
            }
        }
        if (request.target() != null) {
            Optional<LocalService> byTarget = byTarget(request.target());
            if (byTarget.isPresent()) {
                return byTarget;
            }
        }
        return byPath(request);
    }

    /** The signing name in a SigV4 {@code Authorization} header, lower case. */
    static Optional<String> signingService(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        Matcher matcher = CREDENTIAL_SCOPE.matcher(authorization);
        return matcher.find() ? Optional.of(matcher.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    /** The signing names of the SDKs' service models ({@code sigv4.name}): DynamoDB Streams signs as {@code dynamodb}. */
    private static Optional<LocalService> bySigningName(String name) {
        return Optional.ofNullable(switch (name) {
            case "sqs" -> LocalService.SQS;
            case "dynamodb" -> LocalService.DYNAMODB;
            case "kinesis" -> LocalService.KINESIS;
            case "pipes" -> LocalService.PIPES;
            case "events" -> LocalService.EVENTBRIDGE;
            default -> null;
        });
    }

    private static Optional<LocalService> byTarget(String target) {
        if (target.startsWith("AmazonSQS.")) {
            return Optional.of(LocalService.SQS);
        }
        if (target.startsWith("DynamoDB_") || target.startsWith("DynamoDBStreams_")) {
            return Optional.of(LocalService.DYNAMODB);
        }
        if (target.startsWith("Kinesis_")) {
            return Optional.of(LocalService.KINESIS);
        }
        if (target.startsWith("AWSEvents.")) {
            return Optional.of(LocalService.EVENTBRIDGE);
        }
        return Optional.empty();
    }

    private static Optional<LocalService> byPath(Request request) {
        String path = request.path() == null ? "/" : request.path();
        if (path.startsWith("/v1/pipes") || path.startsWith("/tags/arn:aws:pipes:") || path.startsWith("/tags/arn%3Aaws%3Apipes%3A")) {
            return Optional.of(LocalService.PIPES);
        }
        if (QUEUE_PATH.matcher(path).matches()) {
            return Optional.of(LocalService.SQS);
        }
        String contentType = request.contentType() == null ? "" : request.contentType().toLowerCase(Locale.ROOT);
        if (contentType.startsWith("application/x-www-form-urlencoded")
                || (request.query() != null && request.query().contains("Action="))) {
            // the query protocol: of the services here only SQS still speaks it
            return Optional.of(LocalService.SQS);
        }
        return Optional.empty();
    }
}

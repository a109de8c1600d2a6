package io.pipekit.worker.protection;

import java.time.Instant;
import java.util.Optional;

/**
 * Every shape the ECS agent's task-protection endpoint answers with (docs/aws-behaviour.md §5.1). The HTTP
 * status alone is not enough: ECS-side failures arrive as HTTP 200 with a {@code failure} body.
 */
public sealed interface AgentResponse {

    /** HTTP 200 with {@code protection}: the state ECS now holds for this task. */
    record Protection(boolean enabled, Optional<Instant> expiresAt, String taskArn) implements AgentResponse {}

    /**
     * HTTP 200 with {@code failure}: ECS refused, e.g. {@code TASK_NOT_VALID} (the task is not part
     * of a service) or {@code DEPLOYMENT_BLOCKED} (more protected tasks than the desired count).
     */
    record Failure(String reason, String detail) implements AgentResponse {}

    /** A non-200 answer with an {@code error} body (400 InvalidParameter/Throttling, 403, 504, ...). */
    record Error(int status, String code, String message) implements AgentResponse {}

    /** No usable answer: timeout, refused connection, or a body that is not the documented JSON. */
    record Unreachable(String cause) implements AgentResponse {}

    /** Reasons and codes that asking again cannot fix; everything else is retried with backoff. */
    default boolean permanent() {
        return switch (this) {
            case Protection p -> false;
            // a standalone task (RunTask) can never be protected
            case Failure f -> "TASK_NOT_VALID".equals(f.reason());
            // our request was malformed: a bug, retrying the same body cannot help
            case Error e -> "InvalidParameterException".equals(e.code());
            case Unreachable u -> false;
        };
    }
}

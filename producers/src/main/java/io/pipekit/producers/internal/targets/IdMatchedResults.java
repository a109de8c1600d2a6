package io.pipekit.producers.internal.targets;

import io.pipekit.producers.Target.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-entry outcomes of the SQS and SNS batch APIs, which answer by entry {@code Id} in two lists,
 * {@code Successful} and {@code Failed} (docs/aws-behaviour.md §9): a failure with {@code SenderFault}
 * is permanent, any other is retried; an entry missing from both lists is retried too.
 */
final class IdMatchedResults {

    private final Map<String, Outcome> byId = new HashMap<>();

    void succeeded(String id) {
        byId.put(id, Outcome.DELIVERED);
    }

    void failed(String id, Boolean senderFault, String code, String message) {
        byId.put(id, Boolean.TRUE.equals(senderFault) ? new Outcome.Reject(code, message) : new Outcome.Retry(code));
    }

    /** Outcomes in request order. */
    List<Outcome> inOrderOf(List<String> requestIds) {
        List<Outcome> out = new ArrayList<>(requestIds.size());
        for (String id : requestIds) {
            out.add(byId.getOrDefault(id, new Outcome.Retry("MissingFromResponse")));
        }
        return out;
    }
}

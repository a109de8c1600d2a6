package io.pipekit.pipes.provision;

import java.time.Duration;

/**
 * @param stateTimeout how long to wait for a pipe to reach its desired state (docs/aws-behaviour.md §1.10:
 *     Create/Update/Delete are asynchronous)
 * @param pollInterval first wait between DescribePipe calls; doubles up to 5 s (a local pipe is ready in milliseconds, an AWS one in about a minute)
 * @param copilot null, or the Copilot service whose worker queue is the target: found by Copilot's tags
 *     instead of {@code queue.name}, and its policies left to Copilot's stack
 */
public record ProvisionOptions(Duration stateTimeout, Duration pollInterval, CopilotService copilot) {

    public ProvisionOptions(Duration stateTimeout, Duration pollInterval) {
        this(stateTimeout, pollInterval, null);
    }

    public static ProvisionOptions defaults() {
        return new ProvisionOptions(Duration.ofMinutes(5), Duration.ofMillis(250));
    }

    public ProvisionOptions withCopilot(CopilotService service) {
        return new ProvisionOptions(stateTimeout, pollInterval, service);
    }

    /** A Copilot Worker Service: the tags Copilot puts on every resource of its stack (docs/aws-behaviour.md §6.3). */
    public record CopilotService(String application, String environment, String service) {

        /** {@code APP/ENV/SERVICE}. */
        public static CopilotService parse(String text) {
            String[] p = text.split("/");
            if (p.length != 3 || java.util.Arrays.stream(p).anyMatch(String::isBlank)) {
                throw new IllegalArgumentException("a Copilot service is APP/ENV/SERVICE, e.g. pipekit/test/ingest-worker; got '" + text + "'");
            }
            return new CopilotService(p[0], p[1], p[2]);
        }

        @Override
        public String toString() {
            return application + "/" + environment + "/" + service;
        }
    }
}

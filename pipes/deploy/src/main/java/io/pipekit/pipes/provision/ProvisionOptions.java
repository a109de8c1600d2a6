package io.pipekit.pipes.provision;

import java.time.Duration;

/**
 * @param stateTimeout how long to wait for a pipe to reach its desired state (docs/aws-behaviour.md §1.10:
 *     Create/Update/Delete are asynchronous)
 * @param pollInterval first wait between DescribePipe calls; doubles up to 5 s (a local pipe is ready in milliseconds, an AWS one in about a minute)
 */
public record ProvisionOptions(Duration stateTimeout, Duration pollInterval) {

    public static ProvisionOptions defaults() {
        return new ProvisionOptions(Duration.ofMinutes(5), Duration.ofMillis(250));
    }
}

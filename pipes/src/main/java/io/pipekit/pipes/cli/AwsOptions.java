package io.pipekit.pipes.cli;

import io.pipekit.pipes.provision.AwsClients;
import io.pipekit.pipes.provision.ProvisionOptions;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options shared by the commands that call AWS. Endpoints come from the standard AWS settings. */
final class AwsOptions {

    @Option(names = "--no-iam", description = "do not create pipe roles (the local runtime has no IAM); pipes get the role ARN pipekit would have made")
    boolean noIam;

    @Option(names = "--wait", defaultValue = "5m", description = "how long to wait for each pipe state, e.g. 90s, 5m (default: ${DEFAULT-VALUE})")
    String wait;

    AwsClients clients() {
        return AwsClients.fromEnvironment(!noIam);
    }

    ProvisionOptions options() {
        String w = wait.trim();
        Duration d = w.endsWith("m") ? Duration.ofMinutes(Long.parseLong(w.substring(0, w.length() - 1)))
                : Duration.ofSeconds(Long.parseLong(w.endsWith("s") ? w.substring(0, w.length() - 1) : w));
        return new ProvisionOptions(d, Duration.ofSeconds(1));
    }
}

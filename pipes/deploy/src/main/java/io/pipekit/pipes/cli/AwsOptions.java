package io.pipekit.pipes.cli;

import io.pipekit.pipes.provision.AwsClients;
import io.pipekit.pipes.provision.ProvisionOptions;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options shared by the commands that call AWS. Endpoints come from the standard AWS settings. */
final class AwsOptions {

    @Option(names = "--no-iam", description = {"do not create pipe roles (the local runtime has no IAM); pipes get the role ARN pipekit would have made.",
            "Implied when AWS_ENDPOINT_URL_PIPES is set but no IAM endpoint is (an emulator such as LocalCloud)."})
    boolean noIam;

    @Option(names = "--wait", defaultValue = "5m", description = "how long to wait for each pipe state, e.g. 90s, 5m (default: ${DEFAULT-VALUE})")
    String wait;

    @Option(names = "--endpoint-url", description = "send every AWS call to this endpoint (like the AWS CLI option); otherwise AWS_ENDPOINT_URL[_<SERVICE>] or AWS")
    java.net.URI endpoint;

    @Option(names = "--copilot", paramLabel = "APP/ENV/SERVICE", description = {"the worker queue is this Copilot Worker Service's: found by Copilot's tags,",
            "not by queue.name; its queue and key policies are left to Copilot (they come from overrides/cfn.patches.yml)"})
    String copilot;

    AwsClients clients() {
        return AwsClients.fromEnvironment(!noIam, endpoint);
    }

    ProvisionOptions options() {
        Duration d = io.pipekit.pipes.spec.DurationText.parse(wait);
        if (d == null) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--wait must look like 90s, 5m or 1h, got '" + wait + "'");
        }
        ProvisionOptions o = new ProvisionOptions(d, Duration.ofMillis(250));
        if (copilot != null) {
            try {
                o = o.withCopilot(ProvisionOptions.CopilotService.parse(copilot));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--copilot: " + e.getMessage());
            }
        }
        return o;
    }
}

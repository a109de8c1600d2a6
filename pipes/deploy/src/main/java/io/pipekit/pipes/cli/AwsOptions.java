package io.pipekit.pipes.cli;

import io.pipekit.pipes.provision.AwsClients;
import io.pipekit.pipes.provision.ProvisionOptions;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options shared by the commands that call AWS. Endpoints come from the standard AWS settings. */
final class AwsOptions {

    @Option(names = "--no-iam", description = {"Do not create pipe roles (the local runtime has no IAM); pipes get the role ARN pipekit would have made.",
            "Implied when AWS_ENDPOINT_URL_PIPES is set but no IAM endpoint is (an emulator such as LocalCloud)."})
    boolean noIam;

    @Option(names = "--wait", defaultValue = "5m", description = "How long to wait for each pipe state, e.g. 90s or 5m (default: ${DEFAULT-VALUE}).")
    String wait;

    @Option(names = "--endpoint-url", description = "Send every AWS call to this endpoint, like the AWS CLI option (default: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, then AWS).")
    java.net.URI endpoint;

    @Option(names = "--copilot", paramLabel = "APP/ENV/SERVICE", description = {"The worker queue is this Copilot Worker Service's: found by Copilot's tags,",
            "not by queue.name; its queue and key policies are left to Copilot (they come from overrides/cfn.patches.yml)."})
    String copilot;

    @Option(names = "--region", description = "The AWS Region to use, like the AWS CLI option (default: AWS_REGION, then the profile's region).")
    String region;

    @Option(names = "--profile", description = "The named profile of ~/.aws/config and ~/.aws/credentials to use, like the AWS CLI option (default: AWS_PROFILE, then default).")
    String profile;

    AwsClients clients() {
        // the SDK's own settings (aws.region, aws.profile) reach every client and credential chain of this run
        if (region != null) {
            System.setProperty("aws.region", region);
        }
        if (profile != null) {
            System.setProperty("aws.profile", profile);
        }
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

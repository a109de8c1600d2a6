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

    @Option(names = "--endpoint-url", description = "send every AWS call to this endpoint (like the AWS CLI option); otherwise AWS_ENDPOINT_URL[_<SERVICE>] or AWS")
    java.net.URI endpoint;

    AwsClients clients() {
        return AwsClients.fromEnvironment(!noIam, endpoint);
    }

    ProvisionOptions options() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(s|m|h)?").matcher(wait.trim());
        if (!m.matches()) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--wait must look like 90s, 5m or 1h, got '" + wait + "'");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2) == null ? "s" : m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
        return new ProvisionOptions(d, Duration.ofMillis(250));
    }
}

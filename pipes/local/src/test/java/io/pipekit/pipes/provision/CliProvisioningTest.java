package io.pipekit.pipes.provision;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipekit.local.EmbeddedSqs;
import io.pipekit.pipes.cli.PipekitCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end: plan (exit 2), apply, plan (exit 0), destroy — the commands the demo runs. */
class CliProvisioningTest {

    static EmbeddedSqs sqs;
    static AwsApiDouble api;

    @BeforeAll
    static void start() throws Exception {
        sqs = EmbeddedSqs.start();
        api = AwsApiDouble.start(sqs.endpoint());
        // the SDK's default chains read these system properties like the AWS_* environment variables
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local");
    }

    @AfterAll
    static void stop() {
        api.close();
        sqs.close();
        System.clearProperty("aws.region");
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    record Run(int code, String out) {}

    static Run cli(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = PipekitCli.execute(args);
            return new Run(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void planApplyPlanDestroy(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("subscriptions.yml");
        Files.writeString(spec, """
                version: 1
                name: cli
                queue: {name: cli-work, create: true, deadLetterTries: 2}
                subscriptions:
                  kinesis:
                    - name: orders
                      streamArn: arn:aws:kinesis:us-east-1:000000000000:stream/orders
                      startingPosition: TRIM_HORIZON
                  rules:
                    - name: created
                      pattern: {source: [shop]}
                """);
        String endpoint = api.endpoint().toString();

        Run plan = cli("plan", spec.toString(), "--endpoint-url", endpoint);
        Run apply = cli("apply", spec.toString(), "--endpoint-url", endpoint, "--wait", "30s");
        Run again = cli("plan", spec.toString(), "--endpoint-url", endpoint);
        Run destroy = cli("destroy", spec.toString(), "--endpoint-url", endpoint);

        assertThat(plan.code()).isEqualTo(2);
        assertThat(plan.out()).contains("+ queue cli-work", "+ pipe pipekit-cli-orders", "+ rule pipekit-cli-created",
                "Plan: 5 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged.");
        assertThat(apply.code()).isZero();
        assertThat(apply.out()).contains("Applied: 5 to create");
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("No changes: 5 resources match the spec.");
        assertThat(destroy.code()).isZero();
        assertThat(destroy.out()).contains("- pipe pipekit-cli-orders", "- rule pipekit-cli-created", "- queue cli-work");
        assertThat(api.pipes).isEmpty();
        assertThat(api.rules).isEmpty();
        assertThat(api.roles).isEmpty();
    }
}

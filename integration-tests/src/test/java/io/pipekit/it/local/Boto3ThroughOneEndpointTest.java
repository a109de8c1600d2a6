package io.pipekit.it.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipekit.local.LocalCloud;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real non-Java client: python3 + boto3, configured only by the environment {@code pipekit local}
 * prints ({@code AWS_ENDPOINT_URL} and friends), drives queues, a stream, a table, two pipes and a rule
 * through the single endpoint (on a free port here) and receives every record, item and event from
 * SQS. Skipped, with the reason printed, where python3 or boto3 is missing.
 */
class Boto3ThroughOneEndpointTest {

    private static final String SCRIPT = "boto3_through_one_endpoint.py";

    @TempDir
    Path work;

    @Test
    void boto3DrivesPipesRulesQueuesAndStreamsThroughOneEndpoint() throws Exception {
        String missing = boto3Missing();
        if (missing != null) {
            System.out.println("SKIPPED " + getClass().getSimpleName() + ": " + missing);
        }
        Assumptions.assumeTrue(missing == null, missing);
        Path script = work.resolve(SCRIPT);
        try (InputStream in = getClass().getResourceAsStream(SCRIPT)) {
            Files.copy(in, script);
        }
        try (LocalCloud cloud = LocalCloud.builder().withAll().withEndpoint(0).start()) {
            ProcessBuilder python = new ProcessBuilder("python3", script.toString()).redirectErrorStream(true);
            Map<String, String> env = python.environment();
            env.keySet().removeIf(name -> name.startsWith("AWS_"));
            env.putAll(cloud.environment());
            // keep the user's ~/.aws out of it: the environment alone must be enough
            env.put("AWS_CONFIG_FILE", work.resolve("no-config").toString());
            env.put("AWS_SHARED_CREDENTIALS_FILE", work.resolve("no-credentials").toString());
            Process process = python.start();
            boolean finished = process.waitFor(240, TimeUnit.SECONDS);
            if (!finished) {
                process.destroyForcibly();
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            System.out.print(output);
            assertThat(finished).as("boto3 script finished; output:%n%s", output).isTrue();
            assertThat(process.exitValue()).as("boto3 script exit; output:%n%s", output).isZero();
            assertThat(output).contains("OK boto3 ", "through " + cloud.endpoint());
        }
    }

    /** Why the test cannot run here, or null when python3 and boto3 are both present. */
    private static String boto3Missing() throws InterruptedException {
        try {
            Process probe = new ProcessBuilder("python3", "-c", "import boto3").redirectErrorStream(true).start();
            if (!probe.waitFor(60, TimeUnit.SECONDS)) {
                probe.destroyForcibly();
                return "`python3 -c 'import boto3'` did not finish within 60 s";
            }
            return probe.exitValue() == 0 ? null
                    : "boto3 is not installed for python3 (pip install boto3): " + new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "python3 is not on the PATH (" + e.getMessage() + ")";
        }
    }
}

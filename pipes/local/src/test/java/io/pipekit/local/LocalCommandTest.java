package io.pipekit.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

class LocalCommandTest {

    @TempDir
    Path stateDir;

    @Test
    void detachStatusAndStopManageOneBackgroundStack() {
        Run started = run("--detach", "--port", "0", "--kinesis", "kinesalite", "--state-dir", stateDir.toString());
        try {
            assertThat(started.exit).as(started.err).isZero();
            Map<String, String> exports = started.out.lines().filter(line -> line.startsWith("export "))
                    .map(line -> line.substring("export ".length()).split("=", 2))
                    .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
            assertThat(exports).containsKeys("AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
                    .containsEntry("CBOR_ENABLED", "false");
            // every other stdout line is a shell comment, so `eval "$(pipekit local --detach)"` works
            assertThat(started.out.lines().filter(line -> !line.isBlank())).allMatch(line -> line.startsWith("export ") || line.startsWith("# "));
            assertThat(Files.exists(stateDir.resolve("local.json"))).isTrue();

            try (SqsClient sqs = SqsClient.builder().endpointOverride(URI.create(exports.get("AWS_ENDPOINT_URL"))).region(Region.US_EAST_1)
                    .credentialsProvider(LocalCredentials.PROVIDER).httpClientBuilder(ApacheHttpClient.builder()).build()) {
                assertThat(sqs.createQueue(b -> b.queueName("detached")).queueUrl()).startsWith(exports.get("AWS_ENDPOINT_URL"));
            }

            Run status = run("status", "--state-dir", stateDir.toString());
            assertThat(status.exit).as(status.out).isZero();
            assertThat(status.out).contains("pipekit local is running", exports.get("AWS_ENDPOINT_URL"), "\"sqs\":\"running\"");

            Run second = run("--port", "0", "--state-dir", stateDir.toString());
            assertThat(second.exit).isEqualTo(1);
            assertThat(second.err.strip()).startsWith("pipekit local already runs (pid ").doesNotContain("\n");
        } finally {
            Run stop = run("stop", "--state-dir", stateDir.toString());
            assertThat(stop.exit).isZero();
            assertThat(stop.out).contains("pipekit local stopped");
        }
        assertThat(Files.exists(stateDir.resolve("local.json"))).isFalse();
        Run status = run("status", "--state-dir", stateDir.toString());
        assertThat(status.exit).isEqualTo(3);
        assertThat(status.out).contains("not running");
    }

    @Test
    void aTakenPortIsOneLineAndExitCodeOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run run = run("--port", Integer.toString(taken.getLocalPort()), "--state-dir", stateDir.toString());
            assertThat(run.exit).isEqualTo(1);
            assertThat(run.err.strip()).isEqualTo("pipekit local: port " + taken.getLocalPort()
                    + " on 127.0.0.1 is already in use (another `pipekit local` or LocalStack?): stop it, or pass --port <n> (0 = any free port)");
            assertThat(run.out).isEmpty();
        }
    }

    @Test
    void anUnknownKinesisBackendIsAUsageError() {
        Run run = run("--kinesis", "kinesis-fake", "--state-dir", stateDir.toString());
        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err).contains("unknown Kinesis backend 'kinesis-fake'");
    }

    @Test
    void statusAndStopWithNothingRunning() {
        assertThat(run("status", "--state-dir", stateDir.toString()).exit).isEqualTo(3);
        Run stop = run("stop", "--state-dir", stateDir.toString());
        assertThat(stop.exit).isZero();
        assertThat(stop.out).contains("not running");
    }

    @Test
    void aStaleStateFileIsIgnoredAndRemoved() throws Exception {
        new LocalCommand.StateFile(stateDir).write(new LocalCommand.State(Long.MAX_VALUE - 1, "", "http://localhost:1", "kinesis-mock", Map.of()));
        assertThat(run("status", "--state-dir", stateDir.toString()).exit).isEqualTo(3);
        assertThat(Files.exists(stateDir.resolve("local.json"))).isFalse();
    }

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new LocalCommand());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int exit = command.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}

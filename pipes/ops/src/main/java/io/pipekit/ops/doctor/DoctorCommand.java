package io.pipekit.ops.doctor;

import io.pipekit.ops.Commands;
import io.pipekit.ops.OpsClients;
import io.pipekit.pipes.spec.DurationText;
import io.pipekit.pipes.spec.SpecLoader;
import io.pipekit.pipes.spec.SubscriptionSpec;
import io.pipekit.worker.config.WorkerConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pipekit doctor [SPEC] [--queue-url URL]}: finds the misconfigurations that fail silently.
 * Exit 0 clean, 1 warnings, 2 errors, 3 doctor itself could not run.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Read what is deployed around a worker queue (read-only calls) and report what fails silently.",
                "It checks queue and key policies that drop rule deliveries, stopped pipes, missing role permissions, timeouts, redrive and the task role.",
                "Exit 0 clean, 1 warnings, 2 errors, 3 doctor could not run."},
        exitCodeOnInvalidInput = 3, exitCodeOnExecutionException = 3)
public final class DoctorCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "SPEC", description = "A subscriptions.yml: also compare what is deployed with what it declares.")
    Path spec;

    @Option(names = "--queue-url", paramLabel = "URL", description = "The worker queue (default: the spec's queue, looked up by name).")
    String queueUrl;

    @Option(names = "--task-role", paramLabel = "ARN", description = "The worker's ECS task role: check it may receive, delete, change visibility and use task protection.")
    String taskRole;

    @Option(names = "--handler-p99", paramLabel = "DURATION", description = "The handler's p99 duration, e.g. 90s: checked against the visibility timeout.")
    String handlerP99;

    @Option(names = "--worker-env", paramLabel = "FILE", description = "The worker's environment (KEY=VALUE lines, as in its task definition): PIPEKIT_VISIBILITY_TIMEOUT, PIPEKIT_HEARTBEAT_FRACTION, PIPEKIT_BACKOFF_*; default: the worker's defaults.")
    Path workerEnv;

    @Option(names = "--worker-setting", paramLabel = "KEY=VALUE", description = "One worker setting, e.g. PIPEKIT_BACKOFF_MAX=5m (repeatable; after --worker-env).")
    List<String> workerSettings = List.of();

    @Option(names = "--outage-tolerance", defaultValue = "5m", paramLabel = "DURATION",
            description = "How long a downstream outage may last before retries dead-letter messages (default: ${DEFAULT-VALUE}).")
    String outageTolerance;

    @Option(names = "--json", description = "Print the findings as JSON.")
    boolean json;

    @Option(names = "--endpoint-url", paramLabel = "URL", description = "Send every AWS call to this endpoint (like the AWS CLI option); otherwise AWS_ENDPOINT_URL[_<SERVICE>] or AWS.")
    URI endpoint;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec command;

    @Override
    public Integer call() throws IOException {
        if (spec == null && queueUrl == null) {
            throw new CommandLine.ParameterException(command.commandLine(), "give a SPEC or --queue-url");
        }
        SubscriptionSpec loaded = spec == null ? null : SpecLoader.load(spec);
        Map<String, String> env = new LinkedHashMap<>();
        env.put(WorkerConfig.QUEUE_URLS, queueUrl == null ? "https://sqs.invalid/000000000000/" + loaded.queue().name() : queueUrl);
        if (workerEnv != null) {
            for (String line : Files.readAllLines(workerEnv)) {
                put(env, line);
            }
        }
        workerSettings.forEach(s -> put(env, s));
        Doctor.Options options = new Doctor.Options(queueUrl, loaded, taskRole, duration("--handler-p99", handlerP99),
                WorkerConfig.fromEnvironment(env).options(), duration("--outage-tolerance", outageTolerance));
        Report report;
        try (OpsClients aws = OpsClients.fromEnvironment(endpoint)) {
            report = new Doctor(aws, options).run();
        }
        command.commandLine().getOut().print(json ? report.json() + "\n" : report.table());
        command.commandLine().getOut().flush();
        return report.exitCode();
    }

    private static void put(Map<String, String> env, String line) {
        String l = line.trim();
        if (l.isEmpty() || l.startsWith("#")) {
            return;
        }
        int eq = l.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("not KEY=VALUE: " + line);
        }
        env.put(l.substring(0, eq).trim().replaceFirst("^export\\s+", ""), l.substring(eq + 1).trim());
    }

    private Duration duration(String option, String text) {
        if (text == null) {
            return null;
        }
        Duration d = DurationText.parse(text);
        if (d == null) {
            throw new CommandLine.ParameterException(command.commandLine(), option + " must look like 90s, 5m or 1h, got '" + text + "'");
        }
        return d;
    }

    /** Runs doctor without exiting the JVM; returns the exit code. */
    public static int execute(String... args) {
        return Commands.configure(new CommandLine(new DoctorCommand())).execute(args);
    }

    public static void main(String[] args) {
        Commands.quietLogging();
        System.exit(execute(args));
    }
}

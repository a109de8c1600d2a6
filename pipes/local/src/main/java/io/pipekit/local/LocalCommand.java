package io.pipekit.local;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

/**
 * {@code pipekit local}: the whole local AWS stack (SQS, DynamoDB + Streams, Kinesis, Pipes,
 * EventBridge) behind one endpoint, default {@code http://localhost:4566}, in the foreground until
 * Ctrl-C — or {@code --detach}ed into a background JVM that {@code status} and {@code stop} find
 * through a state file. Standard output carries only the {@code export} lines (and {@code #}
 * comments), so {@code eval "$(pipekit local --detach)"} sets up a shell; logs go to standard error.
 *
 * <p>Runnable on its own ({@link #main}) and registrable as a picocli subcommand of a launcher:
 * {@code new CommandLine(root).addSubcommand(new LocalCommand())}. A launcher that wants this
 * command's INFO-level logging calls {@link #useQuietLogging()} before anything logs.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
        subcommands = {LocalCommand.Status.class, LocalCommand.Stop.class},
        description = {"Run the local AWS stack (SQS, DynamoDB + Streams, Kinesis, Pipes, EventBridge) behind one endpoint.",
                "Point any client at it with AWS_ENDPOINT_URL (printed as export lines; `eval \"$(pipekit local --detach)\"`)."})
public final class LocalCommand implements Callable<Integer> {

    /** The logback configuration of this command: INFO for pipekit, WARN for the emulators' chatter, to stderr. */
    public static final String LOGBACK_CONFIG = "io/pipekit/local/pipekit-local-logback.xml";
    private static final String STATE_FILE = "local.json";
    private static final String LOG_FILE = "local.log";
    private static final Duration DETACH_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    @Option(names = "--port", defaultValue = "4566", description = "Port of the single endpoint (default ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to bind (default ${DEFAULT-VALUE}; 0.0.0.0 lets containers on a bridge network reach it via host.docker.internal).")
    String host;

    @Option(names = "--kinesis", defaultValue = "kinesis-mock", converter = BackendConverter.class,
            description = "Kinesis emulator: kinesis-mock (faithful, default) or kinesalite (fast; Java clients then need CBOR_ENABLED=false).")
    KinesisBackend kinesis;

    @Option(names = {"-d", "--detach"}, description = "Start in a background JVM and return once it answers; see `status` and `stop`.")
    boolean detach;

    @Option(names = "--state-dir", scope = ScopeType.INHERIT,
            description = "Where the state and log files live (default $PIPEKIT_STATE_DIR, else $XDG_STATE_HOME/pipekit/local, else ~/.pipekit/local).")
    Path stateDir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs {@code pipekit local [options] [status|stop]} and exits with its status. */
    public static void main(String[] args) {
        useQuietLogging();
        System.exit(new CommandLine(new LocalCommand()).execute(args));
    }

    /** Selects {@link #LOGBACK_CONFIG} unless a logback configuration was chosen already; call it before anything logs. */
    public static void useQuietLogging() {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StateFile state = new StateFile(stateDir());
        Optional<State> running = state.readLive();
        if (running.isPresent()) {
            err.println("pipekit local already runs (pid " + running.get().pid() + ", " + running.get().endpoint() + "); `pipekit local stop` first");
            return 1;
        }
        return detach ? detach(state, out, err) : foreground(state, out, err);
    }

    private int foreground(StateFile state, PrintWriter out, PrintWriter err) throws InterruptedException {
        LocalCloud cloud;
        try {
            cloud = LocalCloud.builder().withAll().withKinesis(kinesis).withEndpoint(host, port).start();
        } catch (IllegalStateException | IllegalArgumentException e) {
            err.println("pipekit local: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        long pid = ProcessHandle.current().pid();
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            cloud.close();
            state.deleteIfOwnedBy(pid);
            stopped.countDown();
        }));
        State written = new State(pid, processStart(ProcessHandle.current()), cloud.endpoint().toString(),
                kinesis.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), cloud.environment());
        state.write(written);
        out.println("# pipekit local: SQS, DynamoDB (+ Streams), Kinesis (" + written.kinesis() + "), Pipes, EventBridge on "
                + cloud.endpoint() + ", up in " + cloud.startupTime().toMillis() + " ms; Ctrl-C or `pipekit local stop` stops it");
        printExports(out, cloud.environment());
        out.flush();
        stopped.await();
        return 0;
    }

    private int detach(StateFile state, PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
        Files.createDirectories(state.dir());
        Path log = state.dir().resolve(LOG_FILE);
        List<String> command = new ArrayList<>();
        setsid().ifPresent(command::add); // its own session: closing the terminal does not hang it up
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(arg -> !arg.startsWith("-agentlib") && !arg.startsWith("-javaagent") && !arg.startsWith("-Xdebug"))
                .forEach(command::add);
        // settings made in this JVM at run time rather than on its command line
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith("pipekit.") || name.equals("logback.configurationFile"))
                .forEach(name -> command.add("-D" + name + "=" + System.getProperty(name)));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LocalCommand.class.getName(),
                "--port", Integer.toString(port), "--host", host, "--kinesis", kinesis.name(), "--state-dir", state.dir().toString()));
        Process child = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(log.toFile())
                .redirectErrorStream(true)
                .start();
        long deadline = System.nanoTime() + DETACH_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<State> up = state.readLive().filter(s -> s.pid() == child.pid());
            if (up.isPresent()) {
                out.println("# pipekit local (pid " + child.pid() + ") on " + up.get().endpoint() + "; logs in " + log
                        + "; `pipekit local stop` stops it");
                printExports(out, up.get().environment());
                return 0;
            }
            if (child.waitFor(100, TimeUnit.MILLISECONDS)) {
                err.println("pipekit local: the background stack exited with " + child.exitValue() + ":");
                err.println(tail(log));
                return 1;
            }
        }
        child.destroy();
        err.println("pipekit local: the background stack did not answer within " + DETACH_TIMEOUT.toSeconds() + " s; see " + log);
        return 1;
    }

    private static void printExports(PrintWriter out, Map<String, String> environment) {
        environment.forEach((name, value) -> out.println("export " + name + "=" + value));
    }

    Path stateDir() {
        if (stateDir != null) {
            return stateDir;
        }
        String explicit = System.getenv("PIPEKIT_STATE_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_STATE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "pipekit", "local");
        }
        return Path.of(System.getProperty("user.home"), ".pipekit", "local");
    }

    private static Optional<String> setsid() {
        return java.util.stream.Stream.of("/usr/bin/setsid", "/bin/setsid").filter(p -> Files.isExecutable(Path.of(p))).findFirst();
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static String processStart(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toString).orElse("");
    }

    /** {@code pipekit local status}: exit 0 and a summary when a stack runs and answers, 3 when none runs (as LSB status). */
    @Command(name = "status", mixinStandardHelpOptions = true, description = "Shows whether a pipekit local stack runs, and where.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        LocalCommand parent;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Optional<State> running = new StateFile(parent.stateDir()).readLive();
            if (running.isEmpty()) {
                out.println("pipekit local is not running");
                return 3;
            }
            State state = running.get();
            try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(state.endpoint() + LocalEndpoint.HEALTH_PATH))
                        .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
                out.println("pipekit local is running: pid " + state.pid() + ", " + state.endpoint() + ", kinesis " + state.kinesis()
                        + ", since " + state.started() + "; health " + health.body());
                return health.statusCode() == 200 ? 0 : 1;
            } catch (IOException e) {
                out.println("pipekit local (pid " + state.pid() + ") is starting or stuck: " + state.endpoint() + " does not answer (" + e.getMessage() + ")");
                return 1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
    }

    /** {@code pipekit local stop}: SIGTERM (the stack's shutdown hooks stop every emulator), then SIGKILL after 20 s. */
    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stops the pipekit local stack started with --detach (or in another terminal).")
    static final class Stop implements Callable<Integer> {
        @ParentCommand
        LocalCommand parent;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            StateFile stateFile = new StateFile(parent.stateDir());
            Optional<State> running = stateFile.readLive();
            if (running.isEmpty()) {
                out.println("pipekit local is not running");
                return 0;
            }
            ProcessHandle process = ProcessHandle.of(running.get().pid()).orElseThrow();
            process.destroy();
            try {
                process.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                process.destroyForcibly();
                process.onExit().get(5, TimeUnit.SECONDS);
            }
            stateFile.deleteIfOwnedBy(running.get().pid());
            out.println("pipekit local stopped (pid " + running.get().pid() + ")");
            return 0;
        }
    }

    /** kinesis-mock / kinesalite, as {@link KinesisBackend#parse} reads them. */
    static final class BackendConverter implements CommandLine.ITypeConverter<KinesisBackend> {
        @Override
        public KinesisBackend convert(String value) {
            try {
                return KinesisBackend.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** What a running stack wrote about itself; {@code started} guards against a reused pid. */
    record State(long pid, String started, String endpoint, String kinesis, Map<String, String> environment) {}

    /** The state file of one state directory: written atomically by the stack, read by status and stop. */
    record StateFile(Path dir) {
        private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

        Path file() {
            return dir.resolve(STATE_FILE);
        }

        void write(State state) {
            try {
                Files.createDirectories(dir);
                Path temp = Files.createTempFile(dir, "local", ".tmp");
                JSON.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), state);
                Files.move(temp, file(), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot write " + file(), e);
            }
        }

        /** The state of a stack whose process still runs; a stale file (process gone or pid reused) is removed. */
        Optional<State> readLive() {
            if (!Files.exists(file())) {
                return Optional.empty();
            }
            State state;
            try {
                state = JSON.readValue(file().toFile(), State.class);
            } catch (IOException e) {
                return Optional.empty(); // being written, or damaged: treated as absent
            }
            boolean alive = ProcessHandle.of(state.pid()).filter(ProcessHandle::isAlive)
                    .filter(p -> state.started().isEmpty() || processStart(p).equals(state.started())).isPresent();
            if (!alive) {
                deleteIfOwnedBy(state.pid());
                return Optional.empty();
            }
            return Optional.of(state);
        }

        void deleteIfOwnedBy(long pid) {
            try {
                State state = JSON.readValue(file().toFile(), State.class);
                if (state.pid() == pid) {
                    Files.deleteIfExists(file());
                }
            } catch (IOException ignored) {
                // already gone
            }
        }
    }
}

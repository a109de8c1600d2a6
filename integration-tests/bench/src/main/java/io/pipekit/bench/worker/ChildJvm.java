package io.pipekit.bench.worker;

import com.sun.management.OperatingSystemMXBean;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A JVM started by the harness with its own classpath, spoken to by lines: the harness writes
 * commands to its standard input; the child answers with lines starting {@value #PREFIX} on its
 * standard output. Anything else it prints (logs) is passed on to the harness's standard error.
 */
final class ChildJvm implements AutoCloseable {

    static final String PREFIX = "@@ ";

    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;

    private ChildJvm(Process process) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** Starts {@code mainClass} in a fresh JVM with this JVM's java, classpath and logging settings. */
    static ChildJvm start(Class<?> mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("--enable-native-access=ALL-UNNAMED");
        String logback = System.getProperty("logback.configurationFile");
        if (logback != null) {
            command.add("-Dlogback.configurationFile=" + logback);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new ChildJvm(process);
    }

    long pid() {
        return process.pid();
    }

    /** CPU time (user + system) the child has used so far. */
    Duration cpu() {
        return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    void send(String command) {
        in.println(command);
    }

    /** The next answer line (without its prefix); log lines before it go to standard error. */
    String answer() throws IOException {
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith(PREFIX)) {
                return line.substring(PREFIX.length());
            }
            System.err.println(line);
        }
        throw new IOException("child JVM " + process.pid() + " ended without answering");
    }

    @Override
    public void close() throws InterruptedException {
        in.close();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** In a child: exit when the harness does, even in the middle of a drain that would never end. */
    static void exitWithParent() {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(1)));
    }

    /** In a child: send one answer line to the harness. */
    static void reply(String line) {
        System.out.println(PREFIX + line);
        System.out.flush();
    }

    /** CPU time this JVM has used so far, all threads, in nanoseconds. */
    static long processCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}

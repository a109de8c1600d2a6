package io.pipekit.cli;

import io.pipekit.pipes.render.CloudFormationRenderer;
import io.pipekit.pipes.spec.SpecLoader;
import io.pipekit.pipes.spec.SubscriptionSpec;
import io.pipekit.pipes.spec.WorkerQueue;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pipekit init NAME}: a new Maven project for a worker, from the templates under
 * {@code io/pipekit/cli/init/} (docs/cli.md "pipekit init"). The spec it writes is validated and
 * rendered by the deploy module, so the project starts with its CloudFormation in step.
 */
@Command(name = "init", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a new Maven project for a pipekit worker, ready to build and test.",
                "The project holds a typed handler (or, with --sqsd, a plain HTTP app), subscriptions.yml, a Dockerfile, "
                        + "a Copilot manifest, the rendered standalone stack and a test on the embedded stack.",
                "It builds and passes its tests offline once pipekit is in the local Maven repository (./mvnw install in the pipekit checkout).",
                "Exit 0 when written, 1 if the directory is not empty, 64 for a bad name."})
final class InitCommand implements Callable<Integer> {

    enum Source { kinesis, dynamodb, events, sns }

    /** Lower-case words joined by dashes: valid as a directory, artifactId, Copilot service and spec name. */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    /** Resource names are pipekit-NAME-SUBSCRIPTION, and a pipe's name has at most 64 characters (docs/aws-behaviour.md §1.3). */
    private static final int MAX_NAME = 32;
    private static final String TEMPLATES = "/io/pipekit/cli/init/";

    @Parameters(index = "0", paramLabel = "NAME",
            description = "The project's name, e.g. orders-worker: lower-case letters, digits and dashes, at most " + MAX_NAME
                    + " characters. It is also the directory, the artifactId, the Copilot service and the spec's name.")
    String name;

    @Option(names = "--source", defaultValue = "events",
            description = "Where the events come from: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Source source;

    @Option(names = "--sqsd", description = "Write a plain HTTP app that the pipekit worker calls in sqsd mode (the Elastic Beanstalk worker pattern) instead of a handler class.")
    boolean sqsd;

    @Option(names = "--package", paramLabel = "PACKAGE", description = "The Java package (default: <group-id>.<name without dashes>).")
    String javaPackage;

    @Option(names = "--group-id", defaultValue = "com.example", description = "The Maven groupId (default: ${DEFAULT-VALUE}).")
    String groupId;

    @Option(names = {"-d", "--directory"}, paramLabel = "DIR", description = "Where to write the project (default: ./NAME).")
    Path directory;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!NAME.matcher(name).matches() || name.length() > MAX_NAME) {
            err.println(Terminal.error("error: ") + "NAME must be lower-case letters, digits and dashes, start with a letter and have at most "
                    + MAX_NAME + " characters, e.g. orders-worker; got '" + name + "'");
            return Pipekit.USAGE;
        }
        Path dir = directory != null ? directory : Path.of(name);
        if (Files.exists(dir) && (!Files.isDirectory(dir) || !isEmpty(dir))) {
            err.println(Terminal.error("error: ") + dir + " exists and is not an empty directory; choose another NAME or --directory");
            return Pipekit.FAILED;
        }
        List<Path> written = write(dir);
        SubscriptionSpec subscriptions = SpecLoader.load(dir.resolve("subscriptions.yml"));
        // The project's spec leaves the queue to its deployment (create: false), and each path owns it its
        // own way (docs/deployment.md): Copilot makes it with its key (EventsKMSKey), the standalone stack
        // makes it and its key itself; both files are rendered as the deployment that creates it. The renderer
        // reports "wrote <path>" (and "deleted <path>", which a new directory never has).
        SubscriptionSpec deployed = withQueue(subscriptions, true);
        for (String line : CloudFormationRenderer.write(deployed, name, dir.resolve("copilot"), dir.resolve("copilot/standalone/pipekit-stack.yml"))) {
            addWritten(written, line);
        }
        out.println("wrote " + written.size() + " files into " + dir + FileSystems.getDefault().getSeparator());
        written.forEach(p -> out.println("  " + dir.relativize(p)));
        out.println();
        out.println("next:");
        out.println("  cd " + dir);
        out.println("  ./mvnw verify    # the tests on the embedded stack; needs pipekit " + PipekitVersion.version()
                + " in the local Maven repository (./mvnw install in the pipekit checkout, once)");
        return Pipekit.OK;
    }

    /** Writes every template file; returns the paths written. */
    List<Path> write(Path dir) throws IOException {
        Map<String, String> vars = variables();
        String pkgPath = vars.get("packagePath");
        String cls = vars.get("Class");
        Map<String, String> files = new LinkedHashMap<>();
        files.put("project/pom.xml", "pom.xml");
        files.put("project/README.md", "README.md");
        files.put("project/gitignore", ".gitignore");
        files.put("project/subscriptions.yml", "subscriptions.yml");
        files.put("project/Dockerfile", "Dockerfile");
        files.put("project/manifest.yml", "copilot/" + name + "/manifest.yml");
        files.put("project/Event.java", "src/main/java/" + pkgPath + "/" + cls + "Event.java");
        if (sqsd) {
            files.put("project/App.java", "src/main/java/" + pkgPath + "/" + cls + "App.java");
            files.put("project/AppTest.java", "src/test/java/" + pkgPath + "/" + cls + "AppTest.java");
        } else {
            files.put("project/Handler.java", "src/main/java/" + pkgPath + "/" + cls + "Handler.java");
            files.put("project/HandlerTest.java", "src/test/java/" + pkgPath + "/" + cls + "HandlerTest.java");
        }
        files.put("project/logback-test.xml", "src/test/resources/logback-test.xml");
        List<Path> written = new ArrayList<>();
        for (Map.Entry<String, String> file : files.entrySet()) {
            written.add(writeFile(dir.resolve(file.getValue()), fill(resource(file.getKey()), vars)));
        }
        // the Maven wrapper of the pipekit build itself: the same Maven, already in ~/.m2/wrapper
        written.add(writeFile(dir.resolve(".mvn/wrapper/maven-wrapper.properties"), resource("wrapper/.mvn/wrapper/maven-wrapper.properties")));
        Path mvnw = writeFile(dir.resolve("mvnw"), resource("wrapper/mvnw"));
        if (Files.getFileStore(mvnw).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        written.add(mvnw);
        return written;
    }

    private Map<String, String> variables() {
        String cls = className(name);
        String pkg = javaPackage != null ? javaPackage : groupId + "." + name.replace("-", "");
        Map<String, String> vars = new LinkedHashMap<>();
        String src = source.name();
        for (String fragment : List.of("subscriptions", "handlerImports", "constants", "route", "testImports", "testSetup", "testSend", "sqsdParse")) {
            vars.put(fragment, resource("sources/" + src + "/" + fragment + ".txt").stripTrailing());
        }
        vars.put("sourceDescription", switch (source) {
            case events -> "EventBridge events on the default bus with source " + name;
            case kinesis -> "records of the Kinesis stream " + name + "-stream";
            case dynamodb -> "changes to the items of the DynamoDB table " + name + "-table, from its stream";
            case sns -> "notifications of the SNS topic " + name + "-topic";
        });
        vars.put("testAnnotationArgs", source == Source.kinesis ? "(kinesis = true)" : "");
        vars.put("modeDescription", sqsd ? "a plain HTTP app that the pipekit worker calls in sqsd mode" : "a typed handler that the pipekit worker runs");
        vars.put("mainFiles", sqsd ? "`" + cls + "App` (an HTTP app; your code goes in `process`) and `" + cls + "Event` (the event's fields)"
                : "`" + cls + "Handler` (your code goes in `process`) and `" + cls + "Event` (the event's fields)");
        vars.put("dockerEnv", sqsd
                ? "PIPEKIT_MODE=sqsd \\\n    PIPEKIT_SQSD_URL=http://localhost:8080/ \\\n    PIPEKIT_SQSD_BODY=decoded \\\n    PIPEKIT_SQSD_HEALTH_URL=/health"
                : "PIPEKIT_HANDLER=" + pkg + "." + cls + "Handler");
        vars.put("manifestVariables", sqsd ? "  PIPEKIT_MAX_CONCURRENCY: 50\n  PIPEKIT_SQSD_HTTP_CONNECTIONS: 50" : "  PIPEKIT_MAX_CONCURRENCY: 64");
        vars.put("manifestSidecars", sqsd ? """

                # your HTTP app, from the same image; the worker (the main container, sqsd mode) POSTs to it on localhost
                sidecars:
                  app:
                    image:
                      build:
                        dockerfile: Dockerfile
                        context: .
                    entrypoint: ["java", "-cp", "/opt/app/app.jar", "%s.%sApp"]
                    variables:
                      PORT: 8080
                """.formatted(pkg, cls).stripTrailing() : "");
        vars.put("name", name);
        vars.put("Class", cls);
        vars.put("package", pkg);
        vars.put("packagePath", pkg.replace('.', '/'));
        vars.put("groupId", groupId);
        vars.put("pipekitVersion", PipekitVersion.version());
        return vars;
    }

    /** {@code orders-worker} becomes {@code OrdersWorker}. */
    static String className(String name) {
        StringBuilder sb = new StringBuilder();
        for (String part : name.split("-")) {
            sb.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
        }
        return sb.toString();
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\w+)}}");

    /** Replaces {@code {{key}}} until none is left (fragments hold placeholders themselves); an unknown key is a template bug. */
    static String fill(String template, Map<String, String> vars) {
        String text = template;
        for (int round = 0; round < 3 && PLACEHOLDER.matcher(text).find(); round++) {
            Matcher m = PLACEHOLDER.matcher(text);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String value = vars.get(m.group(1));
                if (value == null) {
                    throw new IllegalStateException("template placeholder {{" + m.group(1) + "}} has no value");
                }
                m.appendReplacement(sb, Matcher.quoteReplacement(value));
            }
            m.appendTail(sb);
            text = sb.toString();
        }
        return text;
    }

    private static String resource(String path) {
        try (InputStream in = InitCommand.class.getResourceAsStream(TEMPLATES + path)) {
            if (in == null) {
                throw new IllegalStateException("missing template " + TEMPLATES + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path writeFile(Path path, String content) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        Files.writeString(path, content, StandardCharsets.UTF_8);
        return path;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    /** The spec with a customer-key queue that the deployment creates ({@code create}) or finds, as Copilot and the standalone stack make it. */
    private static SubscriptionSpec withQueue(SubscriptionSpec spec, boolean create) {
        WorkerQueue q = spec.queue();
        return new SubscriptionSpec(spec.name(), spec.source(), new WorkerQueue(q.name(), q.fifo(), q.contentBasedDeduplication(),
                create, q.visibilityTimeout(), q.deadLetterTries(), WorkerQueue.Encryption.KMS), spec.subscriptions());
    }

    private static void addWritten(List<Path> written, String line) {
        if (line.startsWith("wrote ")) {
            written.add(Path.of(line.substring("wrote ".length())));
        }
    }
}

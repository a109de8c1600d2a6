package io.pipekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipekit.pipes.spec.SpecLoader;
import io.pipekit.pipes.spec.SubscriptionSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * Every variant `pipekit init` writes: complete (no placeholder left), its spec valid and rendered,
 * its main and test code compiling against pipekit. InitProjectTest (integration-tests) builds and
 * tests one of them with Maven, offline.
 */
class InitCommandTest {

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {}

    private Run init(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Pipekit.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = Stream.concat(Stream.of("init"), Stream.of(args)).toArray(String[]::new);
        return new Run(cli.execute(all), out.toString(), err.toString());
    }

    @ParameterizedTest(name = "--source {0}, sqsd {1}")
    @CsvSource({"events,false", "kinesis,false", "dynamodb,false", "sns,false", "events,true", "kinesis,true", "dynamodb,true", "sns,true"})
    void everyVariantIsCompleteValidRenderedAndCompiles(String source, boolean sqsd) throws IOException {
        Path dir = tmp.resolve("orders-worker");
        Run r = sqsd ? init("orders-worker", "--source", source, "--sqsd", "-d", dir.toString())
                : init("orders-worker", "--source", source, "-d", dir.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote", "pom.xml", "./mvnw verify");
        String cls = sqsd ? "OrdersWorkerApp" : "OrdersWorkerHandler";
        assertThat(dir.resolve("src/main/java/com/example/ordersworker/" + cls + ".java")).isRegularFile();
        assertThat(dir.resolve("src/test/java/com/example/ordersworker/" + cls + "Test.java")).isRegularFile();
        for (String file : List.of("pom.xml", "subscriptions.yml", "Dockerfile", "README.md", ".gitignore", "mvnw",
                ".mvn/wrapper/maven-wrapper.properties", "copilot/orders-worker/manifest.yml", "copilot/standalone/pipekit-stack.yml")) {
            assertThat(dir.resolve(file)).isRegularFile();
        }
        assertThat(Files.isExecutable(dir.resolve("mvnw"))).isTrue();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain("{{");
            }
        }

        SubscriptionSpec spec = SpecLoader.load(dir.resolve("subscriptions.yml"));
        assertThat(spec.name()).isEqualTo("orders-worker");
        assertThat(spec.subscriptions()).hasSize(1);
        assertThat(Files.readString(dir.resolve("copilot/standalone/pipekit-stack.yml"))).contains("AWSTemplateFormatVersion");
        String dockerfile = Files.readString(dir.resolve("Dockerfile"));
        assertThat(dockerfile).contains(sqsd ? "PIPEKIT_MODE=sqsd" : "PIPEKIT_HANDLER=com.example.ordersworker.OrdersWorkerHandler");

        assertCompiles(dir);
    }

    /** javac over the project's main and test sources with this test's classpath (pipekit, the test kit, JUnit, AssertJ). */
    private void assertCompiles(Path dir) throws IOException {
        List<String> sources;
        try (Stream<Path> files = Files.walk(dir.resolve("src"))) {
            sources = files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).toList();
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        String[] args = Stream.concat(Stream.of("-proc:none", "-d", classes.toString(), "-cp", System.getProperty("java.class.path")),
                sources.stream()).toArray(String[]::new);
        int exit = javac.run(null, diagnostics, diagnostics, args);
        assertThat(exit).as(diagnostics.toString()).isZero();
    }

    @Test
    void aNameThatIsNotLowerCaseWithDashesIsAUsageError() {
        Run r = init("Orders_Worker", "-d", tmp.resolve("x").toString());

        assertThat(r.exit()).isEqualTo(Pipekit.USAGE);
        assertThat(r.err()).contains("NAME must be lower-case letters, digits and dashes");
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    @Test
    void aDirectoryThatIsNotEmptyIsLeftAlone() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("taken"));
        Files.writeString(dir.resolve("keep.txt"), "mine");

        Run r = init("taken", "-d", dir.toString());

        assertThat(r.exit()).isEqualTo(Pipekit.FAILED);
        assertThat(r.err()).contains("exists and is not an empty directory");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.toList()).containsExactly(dir.resolve("keep.txt"));
        }
    }

    @Test
    void classNamesComeFromTheDashedName() {
        assertThat(InitCommand.className("orders-worker")).isEqualTo("OrdersWorker");
        assertThat(InitCommand.className("a1-b2c")).isEqualTo("A1B2c");
    }
}

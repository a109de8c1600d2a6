package io.pipekit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pipekit.cli.Pipekit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * What `pipekit init` writes builds and passes its own tests with Maven, offline, against this build's
 * pipekit jars. They go into a temporary local repository (never the shared ~/.m2, where another
 * checkout's SNAPSHOTs live); everything else is read from ~/.m2 as a read-only tail
 * ({@code maven.repo.local.tail}, Maven 3.9). Runs after the modules are packaged, as in
 * {@code ./mvnw verify}; skipped with the reason when their jars are not there.
 */
class InitProjectTest {

    @TempDir
    Path tmp;

    @Test
    void anInitProjectBuildsAndPassesItsTestsOffline() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path repository = tmp.resolve("repository");
        installReactorArtifacts(root, repository);

        Path project = tmp.resolve("orders-worker");
        assertThat(Pipekit.execute("init", "orders-worker", "--directory", project.toString())).isZero();

        Path log = tmp.resolve("build.log");
        Path mavenHome = Path.of(System.getProperty("user.home"), ".m2");
        ProcessBuilder build = new ProcessBuilder(project.resolve("mvnw").toString(), "-o", "-B", "-ntp",
                "-Dmaven.repo.local=" + repository, "-Dmaven.repo.local.tail=" + mavenHome.resolve("repository"), "verify")
                .directory(project.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        build.environment().put("JAVA_HOME", System.getProperty("java.home"));
        long started = System.nanoTime();
        Process maven = build.start();
        boolean done = maven.waitFor(6, TimeUnit.MINUTES);
        if (!done) {
            maven.destroyForcibly().waitFor();
        }
        String output = Files.readString(log);
        System.out.printf("offline build of the init project: %.1f s%n", (System.nanoTime() - started) / 1e9);

        assertThat(done).as("the build finished within 6 minutes:%n%s", output).isTrue();
        assertThat(maven.exitValue()).as(output).isZero();
        assertThat(output).contains("Tests run: 2, Failures: 0, Errors: 0, Skipped: 0", "BUILD SUCCESS");
        assertThat(project.resolve("target/orders-worker-all.jar")).isRegularFile();
        try (Stream<Path> written = Files.walk(repository.resolve("io/pipekit"))) {
            assertThat(written.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .contains("pipekit-worker-" + version(root.resolve("pom.xml")) + ".jar");
        }
    }

    /**
     * Copies every module's pom and jar into {@code repository} in the local repository layout, as
     * {@code mvn install} would place them (a file without {@code _remote.repositories} counts as
     * locally installed).
     */
    private static void installReactorArtifacts(Path root, Path repository) throws Exception {
        List<Path> poms = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(p -> p.getFileName().toString().equals("pom.xml"))
                    .filter(p -> !root.relativize(p).toString().matches(".*(target|node_modules|src)/.*"))
                    // the proofs and the benchmarks are not pipekit artifacts, and build after this test
                    .filter(p -> !root.relativize(p).startsWith("integration-tests"))
                    .forEach(poms::add);
        }
        String version = version(root.resolve("pom.xml"));
        for (Path pom : poms) {
            Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
            String artifactId = child(project, "artifactId");
            String packaging = child(project, "packaging");
            Path dir = repository.resolve("io/pipekit").resolve(artifactId).resolve(version);
            Files.createDirectories(dir);
            Files.copy(pom, dir.resolve(artifactId + "-" + version + ".pom"));
            if (packaging == null || packaging.equals("jar")) {
                Path jar = pom.getParent().resolve("target").resolve(artifactId + "-" + version + ".jar");
                assumeTrue(Files.isRegularFile(jar), "needs the packaged modules (run within ./mvnw verify): no " + jar);
                Files.copy(jar, dir.resolve(artifactId + "-" + version + ".jar"));
            }
        }
    }

    private static String version(Path pom) throws Exception {
        return child(DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile()).getDocumentElement(), "version");
    }

    /** The text of a direct child element, or null. */
    private static String child(Element parent, String name) throws IOException {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent().trim();
            }
        }
        return null;
    }
}

package io.pipekit.it.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the checked-in, rendered deploy files are (tests run in the integration-tests folder). */
final class Repository {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path COPILOT = ROOT.resolve("copilot");
    static final Path COPILOT_SERVICE = COPILOT.resolve("ingest-worker");
    static final Path STANDALONE = COPILOT.resolve("standalone/pipekit-stack.yml");
    /** Scratch files (assembled stacks, template variants) live under the module's build folder. */
    static final Path WORK = Path.of("target", "deploy-proofs").toAbsolutePath();

    private Repository() {}

    /** The YAML files directly in {@code dir}, sorted. */
    static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A test resource folder as a path. */
    static Path testResource(String name) {
        try {
            return Path.of(Repository.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource " + name, e);
        }
    }
}

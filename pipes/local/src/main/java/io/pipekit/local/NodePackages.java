package io.pipekit.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Finds {@code node} and the npm Kinesis emulators that the build installed (pipes/local/pom.xml runs
 * {@code npm install --prefix pipes/local/target/npm}), failing fast with the fix when either is missing.
 *
 * <p>Lookup order for the npm prefix directory: system property {@value #DIR_PROPERTY}, environment
 * variable {@value #DIR_ENV}, the directory recorded at build time, then {@code target/npm} and
 * {@code ../pipes/local/target/npm} or {@code pipes/local/target/npm} relative to the working directory. The node binary comes from
 * {@value #NODE_PROPERTY} / {@value #NODE_ENV} or {@code node} on the PATH.
 */
final class NodePackages {

    static final String DIR_PROPERTY = "pipekit.npm.dir";
    static final String DIR_ENV = "PIPEKIT_NPM_DIR";
    static final String NODE_PROPERTY = "pipekit.node";
    static final String NODE_ENV = "PIPEKIT_NODE";

    private final Path prefix;
    private final String node;
    private final Properties build;

    private NodePackages(Path prefix, String node, Properties build) {
        this.prefix = prefix;
        this.node = node;
        this.build = build;
    }

    /** Locates node and the package; throws {@link IllegalStateException} naming the fix if absent. */
    static NodePackages locate(String packageName) {
        Properties build = buildProperties();
        String node = firstNonBlank(System.getProperty(NODE_PROPERTY), System.getenv(NODE_ENV), "node");
        checkNode(node);
        Set<Path> candidates = new LinkedHashSet<>();
        addIfSet(candidates, System.getProperty(DIR_PROPERTY));
        addIfSet(candidates, System.getenv(DIR_ENV));
        addIfSet(candidates, build.getProperty("npm.dir"));
        candidates.add(Path.of("target", "npm"));
        candidates.add(Path.of("..", "pipes", "local", "target", "npm"));
        candidates.add(Path.of("pipes", "local", "target", "npm"));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate.resolve("node_modules").resolve(packageName).resolve("package.json"))) {
                return new NodePackages(candidate.toAbsolutePath().normalize(), node, build);
            }
        }
        String version = build.getProperty(packageName + ".version", "<version>");
        throw new IllegalStateException("The npm package " + packageName + " is not installed (looked in "
                + candidates + "). Fix: build the pipes module once (`./mvnw -pl pipes/local generate-resources`), or run `npm install --prefix <dir> "
                + packageName + "@" + version + "` and pass -D" + DIR_PROPERTY + "=<dir> (or env " + DIR_ENV + ").");
    }

    Path packageDir(String packageName) {
        return prefix.resolve("node_modules").resolve(packageName);
    }

    String node() {
        return node;
    }

    String version(String packageName) {
        return build.getProperty(packageName + ".version", "unknown");
    }

    private static void checkNode(String node) {
        String failure;
        try {
            Process process = new ProcessBuilder(node, "--version").redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                failure = "`" + node + " --version` did not answer within 10 s";
            } else if (process.exitValue() != 0) {
                failure = "`" + node + " --version` exited with " + process.exitValue();
            } else {
                return;
            }
        } catch (IOException e) {
            failure = "cannot run `" + node + "` (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking node", e);
        }
        throw new IllegalStateException("The Kinesis emulator needs Node.js 18 or newer, but " + failure
                + ". Fix: install Node.js (e.g. `apt-get install nodejs`), or point -D" + NODE_PROPERTY
                + " / env " + NODE_ENV + " at the node binary.");
    }

    private static Properties buildProperties() {
        Properties properties = new Properties();
        try (InputStream in = NodePackages.class.getResourceAsStream("npm-location.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException ignored) {
            // the recorded location is only one of several candidates
        }
        return properties;
    }

    private static void addIfSet(Set<Path> candidates, String value) {
        if (value != null && !value.isBlank() && !value.contains("${")) {
            candidates.add(Path.of(value));
        }
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        throw new IllegalArgumentException("no value");
    }
}

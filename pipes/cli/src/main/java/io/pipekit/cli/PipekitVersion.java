package io.pipekit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The build's version (from the filtered {@code pipekit.properties}) and the Java that runs it. */
final class PipekitVersion implements IVersionProvider {

    static Properties build() {
        Properties p = new Properties();
        try (InputStream in = PipekitVersion.class.getResourceAsStream("pipekit.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    static String version() {
        return build().getProperty("version", "unknown");
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "pipekit " + version(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ") at " + System.getProperty("java.home"),
            System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch")};
    }
}

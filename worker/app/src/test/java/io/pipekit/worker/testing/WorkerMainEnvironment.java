package io.pipekit.worker.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension for tests that call {@code WorkerMain.run} in this JVM: captures what it writes
 * to stderr (its start-up errors are one line there) and gives the SDK a region and dummy
 * credentials through system properties, as the process environment would. After each test stderr
 * is restored and {@code aws.endpointUrlSqs}, which a test may point at its ElasticMQ, is cleared.
 * Register it as an instance field with {@code @RegisterExtension}.
 */
public final class WorkerMainEnvironment implements BeforeEachCallback, AfterEachCallback {

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @Override
    public void beforeEach(ExtensionContext context) {
        originalErr = System.err;
        System.setErr(new PrintStream(err, true));
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local");
    }

    @Override
    public void afterEach(ExtensionContext context) {
        System.setErr(originalErr);
        System.clearProperty("aws.endpointUrlSqs");
    }

    /** Everything written to stderr during this test so far. */
    public String stderr() {
        return err.toString(Charset.defaultCharset());
    }
}

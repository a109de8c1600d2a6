package io.pipekit.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class against pipekit's embedded AWS stack: ElasticMQ (SQS), DynamoDB Local with
 * streams, the local Pipes runtime and EventBridge bus, and Kinesis when asked for. The stack starts
 * once per JVM and is shared by every class that uses the same settings.
 *
 * <p>Test methods (and {@code @BeforeAll}/{@code @BeforeEach} methods) may declare parameters of type
 * {@link LocalPipekit}, {@link TestQueue} (a fresh, uniquely named queue with a dead-letter queue), or
 * any SDK client the stack runs ({@code SqsClient}, {@code DynamoDbClient},
 * {@code KinesisClient}, {@code EventBridgeClient}, {@code PipesClient}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(PipekitExtension.class)
public @interface PipekitTest {

    /**
     * Also run a Kinesis emulator (it needs node and the npm emulator the pipekit build installs; the
     * backend is LocalCloud's default, {@code -Dpipekit.kinesis.backend=kinesalite} switches it).
     */
    boolean kinesis() default false;
}

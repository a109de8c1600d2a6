package io.pipekit.testkit;

import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.pipes.PipesClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The JUnit 5 extension behind {@link PipekitTest}; usable on its own with
 * {@code @ExtendWith(PipekitExtension.class)} (then without Kinesis).
 *
 * <p>What a test (or a {@code @BeforeEach}/{@code @BeforeAll} method) makes through its
 * {@link LocalPipekit} — queues, applied specs, running workers — is undone when that test (or class)
 * ends, workers first; the stack itself lives until the JVM's test run ends.
 */
public final class PipekitExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PipekitExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == LocalPipekit.class || type == TestQueue.class || type == SqsClient.class || type == DynamoDbClient.class
                || type == EventBridgeClient.class || type == PipesClient.class || (type == KinesisClient.class && kinesis(context));
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        LocalPipekit pipekit = handle(context);
        Class<?> type = parameter.getParameter().getType();
        if (type == LocalPipekit.class) {
            return pipekit;
        }
        if (type == TestQueue.class) {
            return pipekit.newQueue();
        }
        if (type == SqsClient.class) {
            return pipekit.sqs();
        }
        if (type == DynamoDbClient.class) {
            return pipekit.dynamoDb();
        }
        if (type == EventBridgeClient.class) {
            return pipekit.eventBridge();
        }
        if (type == PipesClient.class) {
            return pipekit.pipes();
        }
        if (type == KinesisClient.class) {
            return pipekit.kinesis();
        }
        throw new ParameterResolutionException("pipekit cannot provide a " + type.getName());
    }

    /** The handle of this context (test method or class), made on first use and closed when the context ends. */
    private static LocalPipekit handle(ExtensionContext context) {
        boolean kinesis = kinesis(context);
        SharedStack stack = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("stack:kinesis=" + kinesis, key -> SharedStack.start(kinesis), SharedStack.class);
        // JUnit closes AutoCloseable values of a context's store when that context ends
        return context.getStore(NAMESPACE).getOrComputeIfAbsent("handle:" + context.getUniqueId(), key -> new LocalPipekit(stack), LocalPipekit.class);
        // (keyed by context: stores are inherited, and a class-level handle must not collect a test's resources)
    }

    private static boolean kinesis(ExtensionContext context) {
        Optional<PipekitTest> settings = context.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, PipekitTest.class));
        return settings.map(PipekitTest::kinesis).orElse(false);
    }
}

package io.pipekit.it.localstack;

import io.pipekit.it.e2e.EndToEndSuite;
import io.pipekit.it.e2e.Stack;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.containers.localstack.LocalStackContainer.EnabledService;
import org.testcontainers.containers.localstack.LocalStackContainer.Service;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/**
 * {@link EndToEndSuite} against LocalStack community in Docker: the same test methods as
 * {@code EmbeddedEndToEndTest}, with LocalStack's SQS, Kinesis, DynamoDB Streams and EventBridge.
 *
 * <p>Image pinned to {@value #IMAGE}: released before 23 Mar 2026, when {@code localstack/localstack}
 * became one image that requires {@code LOCALSTACK_AUTH_TOKEN} (docs/aws-behaviour.md §8), so it runs with no
 * account; it is also the tag whose no-Docker skip docs/emulators.md §6 verified. Override with
 * {@code -Dpipekit.localstack.image=…}. Without a Docker engine the whole class is reported as
 * skipped ("disabledWithoutDocker is true and Docker is not available").
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackEndToEndTest extends EndToEndSuite {

    static final String IMAGE = "localstack/localstack:4.4";

    @Container
    static final LocalStackContainer LOCALSTACK = new LocalStackContainer(
            DockerImageName.parse(System.getProperty("pipekit.localstack.image", IMAGE)).asCompatibleSubstituteFor("localstack/localstack"))
            .withServices(Service.SQS, Service.KINESIS, Service.DYNAMODB, Service.DYNAMODB_STREAMS, EnabledService.named("events"));

    @Override
    protected Stack openStack() {
        return new LocalStackStack(LOCALSTACK);
    }
}

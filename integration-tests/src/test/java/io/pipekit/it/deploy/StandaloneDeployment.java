package io.pipekit.it.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;

/**
 * Deploying the rendered standalone stack the way {@code aws cloudformation deploy} would, against
 * any CloudFormation endpoint (moto here, LocalStack where Docker exists): first a stack with the
 * sources and network it expects ({@code deploy/sources-stack.yml}), then the template with its
 * required parameters filled from that stack's outputs.
 */
public final class StandaloneDeployment {

    /** The rendered file; another can be tried with {@code -Dpipekit.deploy.standalone=FILE}. */
    public static final Path TEMPLATE = Path.of(System.getProperty("pipekit.deploy.standalone", Repository.STANDALONE.toString()));
    public static final String SOURCES_STACK = "pipekit-sources";
    public static final String STACK = "pipekit-demo";

    /**
     * Resource types LocalStack community does not create: Pipes, ECS and Application Auto Scaling are
     * in its paid editions only (docs/aws-behaviour.md §8, docs/deploy-testing.md).
     */
    public static final Set<String> LOCALSTACK_COMMUNITY_LACKS = Set.of("AWS::Pipes::Pipe", "AWS::ECS::Cluster",
            "AWS::ECS::TaskDefinition", "AWS::ECS::Service", "AWS::ApplicationAutoScaling::ScalableTarget",
            "AWS::ApplicationAutoScaling::ScalingPolicy");

    /** What was created: the sources stack, the stack, and the parameters it was given. */
    public record Deployed(Stacks.Created sources, Stacks.Created stack, Map<String, String> parameters) {}

    private StandaloneDeployment() {}

    public static StackTemplate renderedTemplate() {
        return StackTemplate.read(TEMPLATE);
    }

    /**
     * The rendered stack as LocalStack community can create it: without {@link #LOCALSTACK_COMMUNITY_LACKS}
     * ({@link StackTemplate#withoutTypes}), and with the subscribed topic — another account's in the
     * spec — replaced by {@code localTopicArn}.
     */
    public static StackTemplate localStackCommunityVariant(String localTopicArn, String region, String account) {
        StackTemplate rendered = renderedTemplate();
        return rendered.withoutTypes(LOCALSTACK_COMMUNITY_LACKS, region, account).replacingText(subscribedTopic(rendered), localTopicArn);
    }

    /** The ARN of the topic the rendered stack subscribes the worker queue to. */
    public static String subscribedTopic(StackTemplate template) {
        return template.resource(template.single("AWS::SNS::Subscription")).path("Properties").path("TopicArn").asText();
    }

    /**
     * Creates the sources stack, then {@code template} (the rendered file byte for byte when
     * {@code template} is {@link #renderedTemplate()} unchanged, its JSON otherwise). The sources
     * stack must reach CREATE_COMPLETE; how the second one ends is the caller's to judge.
     */
    public static Deployed deploy(CloudFormationClient cfn, StackTemplate template, String image) {
        Stacks stacks = new Stacks(cfn);
        Stacks.Created sources = stacks.create(SOURCES_STACK, read(Repository.testResource("/deploy/sources-stack.yml")), Map.of());
        if (sources.status() != StackStatus.CREATE_COMPLETE) {
            throw new IllegalStateException("the sources stack ended " + sources.status() + " (" + sources.reason() + ")\n" + sources.events());
        }
        Map<String, String> parameters = template.parameterValues(sources.outputs(), image);
        String body = template.equals(renderedTemplate()) ? read(TEMPLATE) : template.toJson();
        return new Deployed(sources, stacks.create(STACK, body, parameters), parameters);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

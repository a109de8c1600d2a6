package io.pipekit.it.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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

    /** What was created: the sources stack, the stack, and the parameters it was given. */
    public record Deployed(Stacks.Created sources, Stacks.Created stack, Map<String, String> parameters) {}

    private StandaloneDeployment() {}

    public static StackTemplate renderedTemplate() {
        return StackTemplate.read(TEMPLATE);
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

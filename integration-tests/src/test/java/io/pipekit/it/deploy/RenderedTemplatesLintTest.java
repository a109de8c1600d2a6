package io.pipekit.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipekit.it.deploy.CfnLint.Finding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * cfn-lint on everything pipekit renders for a deploy, with zero errors: the standalone stack, the
 * Copilot addons merged into the one nested stack Copilot uploads, and the Copilot
 * workload stack as Copilot assembles it with pipekit's addons and override patch. The last one is
 * the only place a cycle between pipekit's addons and Copilot's own resources shows (E3004):
 * every file can lint clean alone while the assembled stack cannot be created.
 *
 * <p>One cfn-lint process lints all files (each start costs seconds). Skipped without cfn-lint.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RenderedTemplatesLintTest {

    private final Map<String, Path> templates = new LinkedHashMap<>();
    private CopilotWorkloadStack copilot;
    private CopilotWorkloadStack cyclicFixture;
    private List<Finding> findings;

    @BeforeAll
    void lintEverything() throws Exception {
        CfnLint lint = CfnLint.onPathOrSkip();
        Repository.yamlFiles(Repository.STANDALONE.getParent()).forEach(f -> templates.put("standalone/" + f.getFileName(), f));
        // what LocalStackStandaloneStackTest deploys where Docker exists: the rendered stack minus what community lacks
        templates.put("standalone for LocalStack community", CfnYaml.write(StandaloneDeployment.localStackCommunityVariant(
                "arn:aws:sns:us-east-1:000000000000:billing", "us-east-1", "000000000000").json(),
                Repository.WORK.resolve("standalone-localstack-community.json")));
        // the addon files are linted as Copilot deploys them: merged into one nested stack
        copilot = CopilotWorkloadStack.assemble(Repository.COPILOT_SERVICE);
        templates.put("copilot addons stack (merged)", CfnYaml.write(copilot.addons(), Repository.WORK.resolve("copilot-addons-stack.json")));
        templates.put("copilot workload stack", CfnYaml.write(copilot.workload(), Repository.WORK.resolve("copilot-workload-stack.json")));
        // the addon that closed the cycle before, assembled the same way: proves the assembly still
        // reproduces what Copilot does, so a clean result above is not a blind spot
        cyclicFixture = CopilotWorkloadStack.assemble(Repository.testResource("/deploy/cyclic-copilot-service"));
        templates.put("fixture: cyclic workload stack", CfnYaml.write(cyclicFixture.workload(), Repository.WORK.resolve("cyclic-workload-stack.json")));

        long start = System.nanoTime();
        findings = lint.lint(templates.values());
        System.out.printf("%s on %d templates in %d ms: %d findings%n", lint.version(), templates.size(),
                (System.nanoTime() - start) / 1_000_000, findings.size());
        findings.forEach(f -> System.out.println("  " + f.level() + " " + f));
    }

    @Test
    void everyRenderedTemplateLintsWithoutErrors() {
        List<String> errors = new ArrayList<>();
        templates.forEach((label, file) -> {
            if (!label.startsWith("fixture")) {
                errorsIn(file).forEach(f -> errors.add(label + ": " + f));
            }
        });
        assertThat(errors).as("cfn-lint errors").isEmpty();
    }

    @Test
    void theCopilotWorkloadStackAsCopilotAssemblesItHasNoCircularDependency() {
        assertThat(copilot.problems()).as("assembly problems").isEmpty();
        assertThat(errorsIn(templates.get("copilot workload stack")))
                .as("cfn-lint errors on the assembled Copilot workload stack (E3004 = dependency cycle)")
                .isEmpty();
    }

    @Test
    void theOverridePatchLandsInCopilotsOwnQueuePolicyAndKeyPolicy() {
        // the patch appends to the existing statement lists, never replaces Copilot's statements
        var resources = copilot.workload().path("Resources");
        var queueStatements = resources.path("QueuePolicy").path("Properties").path("PolicyDocument").path("Statement");
        assertThat(queueStatements.get(0).path("Principal").path("AWS").toString()).contains("TaskRole");
        assertThat(queueStatements.size()).isGreaterThan(1);
        var keyStatements = resources.path("EventsKMSKey").path("Properties").path("KeyPolicy").path("Statement");
        assertThat(keyStatements.toString()).contains("events.amazonaws.com");
    }

    @Test
    void theAssemblyCatchesTheCycleOfAManagedPolicyOutputThatTakesTheQueueArn() {
        assertThat(cyclicFixture.policyOutputs()).containsExactly("WorkerQueueAccessPolicyArn");
        assertThat(errorsIn(templates.get("fixture: cyclic workload stack")))
                .filteredOn(f -> f.rule().equals("E3004"))
                .extracting(f -> f.path())
                .contains("Resources/TaskRole", "Resources/AddonsStack", "Resources/EventsQueue", "Resources/EventsKMSKey");
    }

    private List<Finding> errorsIn(Path file) {
        return findings.stream().filter(f -> f.file().toAbsolutePath().normalize().equals(file.toAbsolutePath().normalize()))
                .filter(Finding::isError).collect(Collectors.toList());
    }
}

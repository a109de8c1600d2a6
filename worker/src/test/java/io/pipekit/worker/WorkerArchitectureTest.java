package io.pipekit.worker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The library's shape: a handful of public types over a package-private engine (event-ruler's way),
 * no package cycles, and nothing of the container (logging backend, YAML, environment config).
 */
class WorkerArchitectureTest {

    private static final JavaClasses WORKER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.pipekit.worker");

    /** What a user imports from the engine's package; every other class there is package-private. */
    private static final Set<String> PUBLIC_API = Set.of("Worker", "WorkerOptions", "QueueMessage", "MessageAttribute",
            "MessageHandler", "WorkerListener", "RetryLaterException", "ShutdownReport", "BackoffPolicy");

    @Test
    void noPackageCycles() {
        slices().matching("io.pipekit.worker.(**)").should().beFreeOfCycles().check(WORKER);
        // the root package (the engine) against its add-ons: they may use it, it never uses them
        noClasses().that().resideInAPackage("io.pipekit.worker")
                .should().dependOnClassesThat().resideInAnyPackage("io.pipekit.worker.envelope..", "io.pipekit.worker.routing..",
                        "io.pipekit.worker.health..", "io.pipekit.worker.metrics..", "io.pipekit.worker.protection..")
                .because("the engine stands alone; envelope, routing, health, metrics and protection build on it")
                .check(WORKER);
    }

    @Test
    void theEngineIsPackagePrivate() {
        classes().that().resideInAPackage("io.pipekit.worker").and().areTopLevelClasses()
                .and().haveSimpleNameNotStartingWith("package-info")
                .and(com.tngtech.archunit.base.DescribedPredicate.describe("not public API",
                        c -> !PUBLIC_API.contains(c.getSimpleName())))
                .should().notHaveModifier(JavaModifier.PUBLIC)
                .check(WORKER);
        classes().that().resideInAPackage("io.pipekit.worker").and().areTopLevelClasses()
                .and(com.tngtech.archunit.base.DescribedPredicate.describe("public API",
                        c -> PUBLIC_API.contains(c.getSimpleName())))
                .should().haveModifier(JavaModifier.PUBLIC)
                .check(WORKER);
    }

    @Test
    void aLibraryLogsThroughSlf4jOnly() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("ch.qos.logback..", "com.fasterxml.jackson.dataformat.yaml..")
                .check(WORKER);
        noClasses().should().resideInAnyPackage("io.pipekit.worker.main..", "io.pipekit.worker.sqsd..",
                "io.pipekit.worker.config..", "io.pipekit.worker.protection.fake..").allowEmptyShould(true).check(WORKER);
    }
}

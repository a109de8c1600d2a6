package io.pipekit.ops;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * pipes/ops reads the deployed resources; of the local stack it may use only the template and path
 * rendering ({@code io.pipekit.pipes.transform}) — never the emulators or the local runtime.
 */
@AnalyzeClasses(packages = "io.pipekit.ops", importOptions = ImportOption.DoNotIncludeTests.class)
class OpsArchitectureTest {

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("io.pipekit.ops.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule noEmulators = noClasses().that().resideInAPackage("io.pipekit.ops..")
            .should().dependOnClassesThat().resideInAnyPackage("io.pipekit.local..", "io.pipekit.pipes.runtime..", "io.pipekit.pipes.bus..");
}

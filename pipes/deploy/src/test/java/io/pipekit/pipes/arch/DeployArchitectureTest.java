package io.pipekit.pipes.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The deploy side stands alone: no package cycles, and no arrow to the emulators. */
@AnalyzeClasses(packages = "io.pipekit.pipes", importOptions = ImportOption.DoNotIncludeTests.class)
class DeployArchitectureTest {

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("io.pipekit.pipes.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule noEmulatorDependency = noClasses().that().resideInAPackage("io.pipekit.pipes..")
            .should().dependOnClassesThat().resideInAnyPackage("io.pipekit.local..", "io.pipekit.pipes.runtime..", "io.pipekit.pipes.bus..");

    /** The model is what both paths read; it must not know either of them. */
    @ArchTest
    static final ArchRule modelKnowsNeitherPath = noClasses().that().resideInAPackage("io.pipekit.pipes.model..")
            .should().dependOnClassesThat().resideInAnyPackage("io.pipekit.pipes.provision..", "io.pipekit.pipes.render..", "io.pipekit.pipes.cli..");
}

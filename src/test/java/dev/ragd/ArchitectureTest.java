package dev.ragd;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The main packages depend on each other without cycles: each top-level package under
 * {@code dev.ragd} (with its sub-packages, e.g. {@code llm.openai} belongs to {@code llm}) is one
 * slice. {@code App} and {@code Main} in {@code dev.ragd} itself are the composition root and
 * belong to no slice. Test classes are not imported: tests may reach across packages.
 */
@AnalyzeClasses(packages = "dev.ragd", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule mainPackagesAreFreeOfCycles =
            slices().matching("dev.ragd.(*)..").should().beFreeOfCycles();
}

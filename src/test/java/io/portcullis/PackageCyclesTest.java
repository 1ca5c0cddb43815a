package io.portcullis;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * #12 item 4: the packages of {@code src/main} are read top-down, every dependency pointing down
 * (the picture is in docs/architecture.md). Checked on the compiled main classes (tests excluded):
 * no cycle between top-level packages (a sub-package belongs to its parent's slice), plus the
 * layering rules that the cycle rule alone does not see.
 */
class PackageCyclesTest {
    /** The call vocabulary (context, trail, the sealed gateway error, stage, relay): h2's leaf package. */
    static final String CALL_VOCABULARY = "io.portcullis.call..";

    static JavaClasses main;

    @BeforeAll
    static void importMain() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.portcullis");
    }

    @Test
    void item4_noCyclesBetweenPackages() {
        slices().matching("io.portcullis.(*)..").should().beFreeOfCycles().check(main);
    }

    /**
     * The gateway (the root package) sits above the capabilities it assembles; only what serves
     * it (ingress, admin, server, cli) may use it. The slice rule cannot see this cycle (the root
     * package is no slice): readiness → Gateway → readiness was one.
     */
    @Test
    void item4_onlyTheLayersAboveUseTheGateway() {
        noClasses().that().resideOutsideOfPackages("io.portcullis", "io.portcullis.ingress..", "io.portcullis.admin..",
                        "io.portcullis.server..", "io.portcullis.cli..")
                .should().dependOnClassesThat().resideInAPackage("io.portcullis")
                .check(main);
    }

    /** HTTP plumbing (replies, auth, origins, guards, TLS) serves MCP routing and admin alike and knows neither. */
    @Test
    void item4_httpPlumbingKnowsNoRoutes() {
        noClasses().that().resideInAPackage("io.portcullis.http..")
                .should().dependOnClassesThat().resideInAnyPackage("io.portcullis", "io.portcullis.ingress..",
                        "io.portcullis.admin..", "io.portcullis.server..", "io.portcullis.cli..")
                .check(main);
    }

    /** The listener is the top of the HTTP side: only the CLI starts it. */
    @Test
    void item4_onlyTheCliStartsTheListener() {
        noClasses().that().resideOutsideOfPackages("io.portcullis.server..", "io.portcullis.cli..")
                .should().dependOnClassesThat().resideInAPackage("io.portcullis.server..")
                .check(main);
    }

    /**
     * The call vocabulary is a leaf: it names none of the layers that use it (the chain, the
     * capabilities a call passes through, the upstreams, the routes), so that each may use it
     * without a cycle. Data types it carries (a principal, a catalog entry, a decision) are below it.
     * Fails while the package does not exist (an empty rule is no proof).
     */
    @Test
    void item4_callVocabularyIsALeaf() {
        noClasses().that().resideInAPackage(CALL_VOCABULARY)
                .should().dependOnClassesThat().resideInAnyPackage("io.portcullis", "io.portcullis.pipeline..",
                        "io.portcullis.audit..", "io.portcullis.approval..", "io.portcullis.readiness..",
                        "io.portcullis.upstream..", "io.portcullis.ingress..", "io.portcullis.admin..",
                        "io.portcullis.server..", "io.portcullis.http..", "io.portcullis.cli..")
                .check(main);
    }

    /**
     * The config's pieces that every layer reads (YAML with locations, problems, environments,
     * listener, upstream and tool settings) are under the capabilities; {@code config} (the whole
     * {@code GatewayConfig}, its reader and watcher) is above them, since it holds their sections.
     */
    @Test
    void item4_settingsAreUnderTheCapabilities() {
        noClasses().that().resideInAPackage("io.portcullis.settings..")
                .should().dependOnClassesThat().resideOutsideOfPackages("io.portcullis.settings..",
                        "io.portcullis.protocol..", "io.portcullis.resilience..", "java..", "javax..", "tools.jackson..")
                .check(main);
    }
}

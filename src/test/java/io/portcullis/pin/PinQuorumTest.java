package io.portcullis.pin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.call.GatewayException;
import io.portcullis.catalog.Catalog;
import io.portcullis.catalog.Catalogs;
import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.identity.Principal;
import io.portcullis.pipeline.stages.Admission;
import io.portcullis.protocol.Json;
import io.portcullis.settings.ConfigException;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #15 item 2 ("production can require two reviewers", C7.2): with {@code pins.quorum} a changed
 * definition is released only when that many distinct reviewers accepted it; the same reviewer twice is
 * refused, each accept is an audit record, one rejection stands, and a definition that changes again
 * starts from no accepts. Against a real (embedded) store.
 */
class PinQuorumTest {
    private static final String YAML = """
            environments:
              - name: dev
              - name: prod
                production: true
            upstreams:
              calc: {command: [x]}
            catalog: {unlisted: allow}
            """;
    private static final String PULLED = "Adds two numbers. And it now also adds a third.";

    @TempDir
    Path dir;
    private Store store;
    private Pins pins;
    private PinReviews reviews;
    private final List<ObjectNode> recorded = new ArrayList<>();

    private static final Principal RITA = PinsTest.principal("rita", "pin-reviewer");
    private static final Principal SAM = PinsTest.principal("sam", "pin-reviewer");
    private static final Principal TOM = PinsTest.principal("tom", "pin-reviewer");

    @BeforeEach
    void open() {
        store = Store.open(new StoreConfig(null, dir, 2));
        pins = new Pins(store, Clock.systemUTC());
        reviews = new PinReviews(pins, recorded::add, () -> { });
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static GatewayConfig config(String pinsSection) throws Exception {
        return ConfigReader.parse(YAML + pinsSection, "gw.yaml", Path.of("/tmp"), null);
    }

    private Catalog check(GatewayConfig cfg, String description) {
        pins.apply(cfg.pins());
        ArrayNode a = Json.array();
        ObjectNode add = a.addObject().put("name", "add").put("description", description);
        add.putObject("inputSchema").put("type", "object");
        add.putObject("annotations").put("readOnlyHint", true);
        return pins.check(Catalogs.of(cfg, Map.of("calc", a)));
    }

    private static String control(Catalog c) {
        return Admission.pin(c, "calc__add").map(GatewayException::control).orElse("admitted");
    }

    @Test
    void twoDistinctReviewersReleaseAChangedDefinitionTheSameOneTwiceIsRefused() throws Exception {
        GatewayConfig cfg = config("pins: {quorum: {prod: 2}}\n");
        assertThat(cfg.pins().reviewQuorum()).isEqualTo(2);
        check(cfg, "Adds two numbers.");
        assertThat(control(check(cfg, PULLED))).isEqualTo("pin");
        Review r = reviews.show("calc/tool/add").orElseThrow();

        reviews.accept(r.id(), r.servedHash(), RITA, null);
        assertThat(reviews.approvals(r)).containsExactly("rita");
        assertThat(control(check(cfg, PULLED))).as("one of two accepts releases nothing").isEqualTo("pin");
        assertThatThrownBy(() -> reviews.accept(r.id(), r.servedHash(), RITA, null))
                .isInstanceOf(PinReviews.Refused.class).hasMessageContaining("rita already accepted calc/tool/add")
                .hasMessageContaining("2 distinct reviewers (pins.quorum)");
        assertThat(control(check(cfg, PULLED))).isEqualTo("pin");

        reviews.accept(r.id(), r.servedHash(), SAM, null);
        assertThat(control(check(cfg, PULLED))).isEqualTo("admitted");
        assertThat(reviews.list()).isEmpty();
        assertThat(recorded).extracting(rec -> rec.path("principal").path("subject").asString() + " "
                + rec.path("decision").path("outcome").asString()).containsExactly("rita accepted 1 of 2", "sam accepted");
    }

    @Test
    void aRejectionStandsAndAnotherChangeStartsFromNoAccepts() throws Exception {
        GatewayConfig cfg = config("pins: {quorum: 2}\n");
        check(cfg, "Adds two numbers.");
        check(cfg, PULLED);
        Review r = reviews.show("calc/tool/add").orElseThrow();
        reviews.accept(r.id(), r.servedHash(), RITA, null);
        // the upstream changes it again before the second accept: rita's accept was for the other definition
        check(cfg, PULLED + " Twice.");
        Review again = reviews.show("calc/tool/add").orElseThrow();
        assertThat(reviews.approvals(again)).isEmpty();
        reviews.accept(again.id(), again.servedHash(), SAM, null);
        assertThat(control(check(cfg, PULLED + " Twice."))).isEqualTo("pin");
        reviews.reject(again.id(), again.servedHash(), TOM, "not announced");
        assertThat(reviews.approvals(again)).isEmpty();
        assertThat(control(check(cfg, PULLED + " Twice."))).isEqualTo("pin");
    }

    @Test
    void withoutAQuorumOneReviewerAccepts() throws Exception {
        GatewayConfig cfg = config("");
        assertThat(cfg.pins().reviewQuorum()).isEqualTo(1);
        check(cfg, "Adds two numbers.");
        check(cfg, PULLED);
        Review r = reviews.show("calc/tool/add").orElseThrow();
        reviews.accept(r.id(), r.servedHash(), RITA, null);
        assertThat(control(check(cfg, PULLED))).isEqualTo("admitted");
    }

    /** The example of docs/operations/pins.md ("Two reviewers") is a valid config that needs two reviewers. */
    @Test
    void theDocsExampleNeedsTwoReviewers() throws Exception {
        String doc = java.nio.file.Files.readString(Path.of("docs/operations/pins.md"));
        String section = doc.substring(doc.indexOf("## Two reviewers"));
        String example = section.substring(section.indexOf("```yaml\n") + 8, section.indexOf("```\n", section.indexOf("```yaml\n") + 8));
        GatewayConfig cfg = config(example);
        assertThat(cfg.pins().quorum()).containsEntry("prod", 2);
        assertThat(cfg.pins().reviewers()).containsExactly("security-review");
        assertThat(cfg.pins().reviewQuorum()).isEqualTo(2);
    }

    @Test
    void aQuorumOfAnUndeclaredEnvironmentOrNotANumberIsAConfigErrorWithItsLine() {
        assertThatThrownBy(() -> config("pins:\n  quorum: {staging: 2}\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("gw.yaml:9").hasMessageContaining("'staging' is not a declared environment");
        assertThatThrownBy(() -> config("pins:\n  quorum: {prod: two}\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("gw.yaml:9").hasMessageContaining("must be a number of reviewers");
        assertThatThrownBy(() -> config("pins: {quorum: 0}\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("from 1 to 10");
    }
}

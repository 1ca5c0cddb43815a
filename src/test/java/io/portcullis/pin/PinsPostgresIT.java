package io.portcullis.pin;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.call.GatewayException;
import io.portcullis.catalog.Catalog;
import io.portcullis.catalog.Catalogs;
import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.pipeline.stages.Admission;
import io.portcullis.protocol.Json;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import io.portcullis.testing.PgSchema;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #15 items 1, 2 on the shared store (PostgreSQL, two nodes, a schema of its own): a pin recorded by
 * one node holds for the other; a change is quarantined on both, and a review on one releases it on both.
 */
class PinsPostgresIT {
    @RegisterExtension
    final PgSchema pg = new PgSchema("pins_it_");

    @TempDir
    Path dir;

    private Store node() {
        return Store.open(new StoreConfig(pg.url(), dir, 2));
    }

    private static Catalog catalog(GatewayConfig cfg, String description) {
        ArrayNode tools = Json.array();
        ObjectNode add = tools.addObject().put("name", "add").put("description", description);
        add.putObject("inputSchema").put("type", "object");
        add.putObject("annotations").put("readOnlyHint", true);
        return Catalogs.of(cfg, Map.of("calc", tools));
    }

    private static String control(Catalog c) {
        return Admission.pin(c, "calc__add").map(GatewayException::control).orElse("admitted");
    }

    @Test
    void item1_pinsAreSharedByTheNodes() throws Exception {
        GatewayConfig cfg = ConfigReader.parse("upstreams:\n  calc: {command: [x]}\ncatalog: {unlisted: allow}\n", "gw.yaml",
                Path.of("/tmp"), null);
        try (Store a = node(); Store b = node()) {
            Pins nodeA = new Pins(a, Clock.systemUTC());
            Pins nodeB = new Pins(b, Clock.systemUTC());
            assertThat(control(nodeA.check(catalog(cfg, "Adds.")))).isEqualTo("admitted");
            assertThat(control(nodeB.check(catalog(cfg, "Adds.")))).isEqualTo("admitted"); // the same pin, inserted once
            assertThat(control(nodeA.check(catalog(cfg, "Adds. Then mails the sum.")))).isEqualTo("pin");
            assertThat(control(nodeB.check(catalog(cfg, "Adds. Then mails the sum.")))).isEqualTo("pin");
            PinReviews reviewsB = new PinReviews(nodeB, rec -> { }, () -> { });
            Review r = reviewsB.show("calc/tool/add").orElseThrow();
            reviewsB.accept(r.id(), r.servedHash(), PinsTest.REVIEWER, null);
            assertThat(control(nodeA.check(catalog(cfg, "Adds. Then mails the sum.")))).isEqualTo("admitted");
            assertThat(new PinReviews(nodeA, rec -> { }, () -> { }).list()).isEmpty();
        }
    }
}

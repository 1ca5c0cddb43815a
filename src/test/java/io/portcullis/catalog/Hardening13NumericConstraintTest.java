package io.portcullis.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * #11 item 13: a numeric constraint ({@code minimum}/{@code maximum}) refuses values that are not
 * numbers; an upstream whose schema leaves the type open would read {@code "1000"} as 1000.
 */
class Hardening13NumericConstraintTest {
    private static final ArgConstraint MAX_10 = new ArgConstraint(List.of(), null, null, null, null, null, 10.0, List.of());

    @Test
    void item13_stringsAndArraysOfStringsFailANumericConstraint() {
        assertThat(MAX_10.check("n", Json.parse("\"1000\""))).get().asString().contains("must be a number");
        assertThat(MAX_10.check("n", Json.parse("[\"1000\"]"))).get().asString().contains("must be a number");
        assertThat(MAX_10.check("n", Json.parse("true"))).get().asString().contains("must be a number");
        assertThat(MAX_10.check("n", Json.parse("{\"v\":1000}"))).get().asString().contains("must be a number");
    }

    @Test
    void item13_numbersAreStillCompared() {
        assertThat(MAX_10.check("n", Json.parse("10"))).isEmpty();
        assertThat(MAX_10.check("n", Json.parse("[1, 2.5]"))).isEmpty();
        assertThat(MAX_10.check("n", Json.parse("1000"))).get().asString().contains("at most");
        assertThat(MAX_10.check("n", Json.parse("[1, 1000]"))).get().asString().contains("at most");
    }

    @Test
    void item15_hugeNumbersAreComparedExactly() {
        String big = "9".repeat(1000);
        assertThat(MAX_10.check("n", Json.parse(big))).get().asString().contains("at most");
        assertThat(MAX_10.check("n", Json.parse("-" + big))).isEmpty();
        ArgConstraint min = new ArgConstraint(List.of(), null, null, null, null, 0.5, null, List.of());
        assertThat(min.check("n", Json.parse("-" + big))).get().asString().contains("at least");
        // a decimal is compared as the gateway holds it, which is also what it forwards
        assertThat(MAX_10.check("n", Json.parse("10.5"))).get().asString().contains("at most");
    }
}

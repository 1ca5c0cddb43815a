package io.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.identity.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Conditions over unknown arguments, in CEL's three-valued logic: false decides {@code &&}, true
 * decides {@code ||} (even against an error), and otherwise unknown wins over error.
 */
class SkeletonTest {
    private static final PolicyRequest REQUEST = new PolicyRequest(
            new Principal("alice", Principal.Kind.USER, null, List.of("dev"), "c", "prod", "oauth", null, null),
            "prod", new ToolFacts("t", "u", "read_only", null, List.of()), null, Set.of());

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
            "args.x == 1                                   ; UNKNOWN",
            "'dev' in principal.roles && args.x == 1       ; UNKNOWN",
            "'ops' in principal.roles && args.x == 1       ; FALSE",
            "args.x == 1 && 'ops' in principal.roles       ; FALSE",
            "env == 'prod' || args.x == 1                  ; TRUE",
            "env == 'dev' || args.x == 1                   ; UNKNOWN",
            "!(args.x == 1)                                ; UNKNOWN",
            "!('dev' in principal.roles) && args.x == 1    ; FALSE",
            "1 / 0 == 1 && args.x == 1                     ; UNKNOWN",
            "1 / 0 == 1 && env == 'dev' && args.x == 1     ; FALSE",
            "1 / 0 == 1 || env == 'prod' || args.x         ; TRUE",
            "principal.roles[3] == 'x' || env == 'dev'     ; ERROR",
            "env == 'prod' ? args.x == 1 : false           ; UNKNOWN",
            "env == 'dev' ? args.x == 1 : false            ; FALSE",
            "args.x == 1 ? true : true                     ; TRUE",
            "args.x == 1 ? env == 'prod' : false           ; UNKNOWN",
            "has(args.x) && args.x > 2 || production       ; TRUE",
            "has(args.x) && args.x > 2 || !production      ; UNKNOWN",
    })
    void evaluatesWithArgumentsUnknown(String condition, Skeleton.Value expected) throws Exception {
        Skeleton s = Skeleton.of(Conditions.check(condition));
        List<String> errors = new ArrayList<>();
        assertThat(s.evaluate(new Activation(REQUEST, true), "r", errors)).isEqualTo(expected);
        if (expected == Skeleton.Value.ERROR) {
            assertThat(errors).isNotEmpty();
        }
    }
}

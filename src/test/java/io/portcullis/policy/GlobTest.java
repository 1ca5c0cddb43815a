package io.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobTest {
    @ParameterizedTest(name = "\"{0}\".glob(\"{1}\") == {2}")
    @CsvSource({
            "acme-*, acme-web, true",
            "acme-*, acme-, true",
            "acme-*, acme, false",
            "acme-*, xacme-web, false",
            "*, '', true",
            "'', '', true",
            "'', x, false",
            "a?c, abc, true",
            "a?c, ac, false",
            "*-prod-*, eu-prod-db, true",
            "*-prod-*, eu-prod, false",
            "org/*, org/repo/sub, true",
            "*a*a*a*b, aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, false",
            "a*b*c, axxbyyc, true",
            "a*b*c, axxbyy, false",
            "exact, exact, true",
            "exact, exactly, false",
    })
    void matches(String pattern, String value, boolean expected) {
        assertThat(Glob.matches(pattern, value)).isEqualTo(expected);
    }
}

package io.portcullis.catalog;

import java.util.List;
import java.util.Optional;

/** Which resource template a URI is read through (#11 item 5, #15 item 2: a quarantined template refuses its reads). */
final class Templates {
    private Templates() {}

    /** The template whose fixed prefix (the part before the first '{') is the longest prefix of {@code uri}, or empty. */
    static Optional<Catalog.Item> match(List<Catalog.Item> templates, String uri) {
        Catalog.Item best = null;
        int bestLen = -1;
        for (Catalog.Item t : templates) {
            String tpl = t.name();
            int brace = tpl.indexOf('{');
            String fixed = brace < 0 ? tpl : tpl.substring(0, brace);
            if (uri.startsWith(fixed) && fixed.length() > bestLen) {
                best = t;
                bestLen = fixed.length();
            }
        }
        return Optional.ofNullable(best);
    }
}

package io.portcullis.catalog;

import java.util.Map;
import java.util.Optional;

/**
 * What a catalog entry written under an exposed name is about: one upstream and the name that
 * upstream gives the tool or prompt (#11 item 4). Entries are bound when the catalog is read and
 * matched by (upstream, name) when the catalog is built, never by the flattened name alone, so an
 * entry written for one upstream's tool can never describe another upstream's.
 *
 * @param upstream the upstream's name
 * @param name     the tool's or prompt's name at that upstream
 */
public record Binding(String upstream, String name) {

    /**
     * Splits an exposed name at its first separator into a prefix and the upstream's name. The
     * config guarantees that no prefix contains the separator or ends in part of it, and that an
     * empty prefix belongs to the only upstream, so the split is the only possible reading.
     *
     * @param prefixes the prefix of each upstream, by upstream name
     * @return empty when no upstream's prefix makes this name
     */
    public static Optional<Binding> of(String exposed, Map<String, String> prefixes, String separator) {
        for (Map.Entry<String, String> e : prefixes.entrySet()) {
            if (e.getValue().isEmpty()) {
                return prefixes.size() == 1 ? Optional.of(new Binding(e.getKey(), exposed)) : Optional.empty();
            }
        }
        int at = exposed.indexOf(separator);
        if (at <= 0 || at + separator.length() == exposed.length()) {
            return Optional.empty();
        }
        String prefix = exposed.substring(0, at);
        String rest = exposed.substring(at + separator.length());
        return prefixes.entrySet().stream().filter(e -> e.getValue().equals(prefix)).findFirst()
                .map(e -> new Binding(e.getKey(), rest));
    }

    /** Whether this binding is about {@code name} of {@code upstream}. */
    public boolean is(String upstream, String name) {
        return this.upstream.equals(upstream) && this.name.equals(name);
    }
}

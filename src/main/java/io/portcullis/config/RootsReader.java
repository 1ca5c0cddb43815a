package io.portcullis.config;

import io.portcullis.catalog.ArgConstraint;
import io.portcullis.catalog.CatalogConfig;
import io.portcullis.catalog.ToolSpec;
import io.portcullis.settings.Fields;
import io.portcullis.settings.UpstreamConfig;
import io.portcullis.settings.UpstreamRoots;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * #11 item 1: the roots each upstream is given. An upstream's {@code roots:} key (directories,
 * relative to the config file, or {@code file://} URIs; {@code []} for none) wins; without it the
 * roots are derived from the catalog: the union of the {@code path_roots} of the catalog's tools
 * of that upstream (by its prefix), so the server enforces what the catalog says. An upstream
 * without either gets no roots (the server keeps the directories it was started with).
 */
final class RootsReader {
    private RootsReader() {}

    /** The explicit {@code roots:} of one upstream, or null when the key is absent. */
    static UpstreamRoots explicit(Fields f, JsonNode u, String p, Path base) {
        if (u == null || !u.has("roots")) {
            return null;
        }
        Set<URI> uris = new LinkedHashSet<>();
        for (String r : f.strings(u, "roots", p)) {
            String rp = p + "/roots";
            if (r.startsWith("~")) {
                f.problem(rp, "root '" + r + "' starts with '~': give the directory as a path relative to the config file or absolute");
                continue;
            }
            try {
                Path dir = r.startsWith("file:") ? Path.of(URI.create(r)) : base.resolve(r);
                uris.add(dirUri(dir));
            } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
                f.problem(rp, "root '" + r + "' must be a directory path or a file:// URI");
            }
        }
        return new UpstreamRoots(uris.stream().toList(), "config");
    }

    /** A directory's {@code file://} URI, always with a trailing slash (Path.toUri adds it only for directories that exist). */
    static URI dirUri(Path dir) {
        String s = dir.toAbsolutePath().normalize().toUri().toString();
        return URI.create(s.endsWith("/") ? s : s + "/");
    }

    /** Fills in the roots of every upstream without explicit ones from the catalog's path_roots. */
    static Map<String, UpstreamConfig> derive(Map<String, UpstreamConfig> upstreams, Set<String> explicit,
                                              CatalogConfig catalog, String separator) {
        Map<String, UpstreamConfig> out = new LinkedHashMap<>();
        for (UpstreamConfig uc : upstreams.values()) {
            if (explicit.contains(uc.name())) {
                out.put(uc.name(), uc);
                continue;
            }
            Set<URI> uris = new LinkedHashSet<>();
            if (!uc.prefix().isEmpty()) { // unprefixed tools cannot be told apart by name
                String start = uc.prefix() + separator;
                for (Map.Entry<String, ToolSpec> t : catalog.tools().entrySet()) {
                    if (!t.getKey().startsWith(start)) {
                        continue;
                    }
                    for (ArgConstraint c : t.getValue().constraints().values()) {
                        c.pathRoots().forEach(root -> uris.add(dirUri(root)));
                    }
                }
            }
            out.put(uc.name(), uc.withRoots(uris.isEmpty() ? UpstreamRoots.NONE : new UpstreamRoots(uris.stream().toList(), "catalog")));
        }
        return out;
    }
}

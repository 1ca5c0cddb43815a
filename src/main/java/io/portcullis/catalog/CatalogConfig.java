package io.portcullis.catalog;

import java.util.List;
import java.util.Map;

/**
 * The tool inventory as configured: global defaults, per-upstream defaults, per-tool entries.
 *
 * @param source         the catalog file, or "inline"/"none"
 * @param unlisted       default treatment of tools nobody listed
 * @param exportPatterns name globs that mark a tool as raw export (C2.4)
 * @param maxResultBytes default result size limit
 * @param onOversize     default treatment of oversize results
 * @param upstreams      per-upstream defaults by upstream name
 * @param tools          entries by exposed tool name
 * @param resources      resource entries by URI glob, each bound to one upstream (#11 item 5)
 * @param prompts        prompt entries by exposed prompt name, each bound to (upstream, prompt) (#11 item 5)
 */
public record CatalogConfig(String source, Unlisted unlisted, List<String> exportPatterns, long maxResultBytes,
                            Oversize onOversize, Map<String, UpstreamDefaults> upstreams, Map<String, ToolSpec> tools,
                            Map<String, ItemSpec> resources, Map<String, ItemSpec> prompts) {

    public static final List<String> DEFAULT_EXPORT_PATTERNS = List.of("*export*", "*dump*", "*download_all*");
    public static final long DEFAULT_MAX_RESULT_BYTES = 1024 * 1024;

    public CatalogConfig {
        exportPatterns = List.copyOf(exportPatterns);
        upstreams = Map.copyOf(upstreams);
        tools = Map.copyOf(tools);
        resources = Map.copyOf(resources);
        prompts = Map.copyOf(prompts);
    }

    /** A catalog with tool entries only (no resource or prompt entries). */
    public CatalogConfig(String source, Unlisted unlisted, List<String> exportPatterns, long maxResultBytes,
                         Oversize onOversize, Map<String, UpstreamDefaults> upstreams, Map<String, ToolSpec> tools) {
        this(source, unlisted, exportPatterns, maxResultBytes, onOversize, upstreams, tools, Map.of(), Map.of());
    }

    /** No catalog configured: every tool is unlisted, so hidden. */
    public static CatalogConfig none() {
        return new CatalogConfig("none", Unlisted.HIDE, DEFAULT_EXPORT_PATTERNS, DEFAULT_MAX_RESULT_BYTES, Oversize.TRUNCATE, Map.of(), Map.of());
    }

    /**
     * Defaults for the tools of one upstream.
     *
     * @param owner          default owner, or null
     * @param environments   default environments, empty = all
     * @param labels         labels added to every tool of the upstream
     * @param unlisted       treatment of its unlisted tools, or null to inherit
     * @param maxResultBytes or null to inherit
     * @param onOversize     or null to inherit
     */
    public record UpstreamDefaults(Owner owner, List<String> environments, List<String> labels, Unlisted unlisted,
                                   Long maxResultBytes, Oversize onOversize) {
        public UpstreamDefaults {
            environments = List.copyOf(environments);
            labels = List.copyOf(labels);
        }
    }
}

package io.portcullis.upstream;

import io.portcullis.settings.UpstreamConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment of a stdio child (issue #11 item 6): never the gateway's whole environment,
 * which holds its own secrets (database passwords, signing keys, cloud credentials). A child gets
 * {@link #BASE} from the gateway's environment, the variables its {@code inherit_env} names (an
 * explicit allowlist), then its declared {@code env}, which wins.
 */
final class ChildEnvironment {
    /** What a program needs to run at all: where programs are, a home, a locale, a temp dir. */
    static final List<String> BASE = List.of("PATH", "HOME", "LANG", "TMPDIR");

    private ChildEnvironment() {}

    /**
     * @param gateway the gateway's own environment ({@link System#getenv()})
     * @return the child's whole environment
     */
    static Map<String, String> of(UpstreamConfig config, Map<String, String> gateway) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : BASE) {
            copy(gateway, name, out);
        }
        for (String name : config.stdio().inheritEnv()) {
            copy(gateway, name, out);
        }
        out.putAll(config.env());
        return out;
    }

    private static void copy(Map<String, String> from, String name, Map<String, String> to) {
        String v = from.get(name);
        if (v != null) {
            to.put(name, v);
        }
    }
}

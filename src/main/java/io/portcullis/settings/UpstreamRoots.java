package io.portcullis.settings;

import java.net.URI;
import java.util.List;

/**
 * #11 item 1: the roots the gateway itself gives an upstream when it asks {@code roots/list}.
 * An upstream connection is shared by every client session (and every environment), so its roots
 * come from config, never from a client: a client's roots would re-point the upstream for everyone.
 *
 * @param uris   {@code file://} URIs of absolute, normalised directories; empty = no roots (the
 *               server keeps what it was started with)
 * @param source {@code config} (the upstream's {@code roots:} key), {@code catalog} (the union of the
 *               catalog's {@code path_roots} for the upstream's tools) or {@code none}
 */
public record UpstreamRoots(List<URI> uris, String source) {
    public static final UpstreamRoots NONE = new UpstreamRoots(List.of(), "none");

    public UpstreamRoots {
        uris = List.copyOf(uris);
    }
}

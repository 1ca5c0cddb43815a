package io.portcullis.pin;

import java.util.List;

/**
 * #15 item 2: one definition waiting for a reviewer: a changed one (with the pinned one to diff
 * against) or a new one the scanner blocked.
 *
 * @param id              {@code UPSTREAM/KIND/NAME}, what {@code portcullis review show|accept|reject} take
 * @param kind            {@code tool}, {@code prompt}, {@code resource} or {@code template}
 * @param upstream        the upstream that serves it
 * @param name            its name at the upstream (a resource's URI)
 * @param pinnedHash      the accepted definition's hash, or null for a definition never accepted
 * @param pinned          the accepted definition (canonical JSON), or null
 * @param servedHash      the hash of what the upstream serves now
 * @param served          what it serves now (canonical JSON)
 * @param findings        the scanner's findings on what it serves now
 * @param state           {@code waiting} or {@code rejected}
 * @param since           when the served definition was first seen
 */
public record Review(String id, String kind, String upstream, String name, String pinnedHash, String pinned,
                     String servedHash, String served, List<Finding> findings, String state, String since) {

    public Review {
        findings = List.copyOf(findings);
    }

    static String id(String upstream, String kind, String name) {
        return upstream + "/" + kind + "/" + name;
    }
}

package io.portcullis.redact;

import java.util.List;

/**
 * Finds values in a text that are provably secret (#11 items 8 and 11): a shape that only a
 * credential has (an AWS access key id, a GitHub token, a JWT, a PEM private key, ...), not a
 * guess from a field's name. {@link Sanitizer} masks what a detector finds; the egress detectors
 * of issue #13 plug in here by implementing this interface.
 */
public interface Detector {
    /** What was found, e.g. {@code aws-access-key-id}; shown in the mask ({@code [masked:aws-access-key-id]}). */
    String kind();

    /** The secrets in {@code text}, in order, not overlapping; empty when there is none. Must not throw. */
    List<Span> find(String text);

    /** The characters {@code [start, end)} of a text are a secret of {@code kind}. */
    record Span(int start, int end, String kind) {
        public Span {
            if (start < 0 || end < start) {
                throw new IllegalArgumentException("bad span " + start + ".." + end);
            }
        }
    }
}

package io.portcullis.readiness;

import io.portcullis.readiness.Report.Line;
import io.portcullis.readiness.Report.Status;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The checklist's lines (C1.1 … C7.3) as the spec words them, and helpers that build report lines. */
final class Checklist {
    /** id → text, in checklist order; read once from the copy of the spec's lines in the jar. */
    static final Map<String, String> LINES = load();

    private Checklist() {}

    private static Map<String, String> load() {
        try (InputStream in = Checklist.class.getResourceAsStream("checklist.txt")) {
            Map<String, String> out = new LinkedHashMap<>();
            for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!l.isBlank()) {
                    int sp = l.indexOf(' ');
                    out.put(l.substring(0, sp), l.substring(sp + 1).strip());
                }
            }
            return java.util.Collections.unmodifiableMap(out);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the checklist is missing from the jar", e);
        }
    }

    static Line pass(String id, List<String> evidence) {
        return new Line(id, text(id), Status.PASS, evidence, null);
    }

    static Line fail(String id, List<String> evidence, String fix) {
        return new Line(id, text(id), Status.FAIL, evidence, fix);
    }

    static Line notApplicable(String id, List<String> evidence) {
        return new Line(id, text(id), Status.NOT_APPLICABLE, evidence, null);
    }

    static final String NOT_BUILT = "not built in this version: ";

    /** A line whose feature this version does not have: it fails and says so. */
    static Line notBuilt(String id, String what, List<String> partial) {
        List<String> ev = new java.util.ArrayList<>(partial);
        ev.add(0, NOT_BUILT + what);
        return fail(id, ev, "nothing to configure yet: " + what + " is not built in this version of Portcullis");
    }

    private static String text(String id) {
        String t = LINES.get(id);
        if (t == null) {
            throw new IllegalArgumentException("no checklist line " + id);
        }
        return t;
    }
}

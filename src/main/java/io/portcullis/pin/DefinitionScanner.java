package io.portcullis.pin;

import io.portcullis.pin.Finding.Severity;
import io.portcullis.text.Visible;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * #15 item 3: the scanner run on every new or changed definition (tool, prompt, resource). It reads
 * every string of the pinned members (description, title, the schema's descriptions and enums, ...)
 * and reports:
 * <ul>
 *   <li>hidden instructions aimed at the model: phrases that address the assistant, tell it to keep
 *       something from the user or to ignore earlier instructions ({@code hidden-instruction}),
 *       {@code <IMPORTANT>}-style tags ({@code instruction-tag}), and instructions to read files or
 *       secrets ({@code secret-access});</li>
 *   <li>invisible or confusable Unicode: tag characters, zero-width characters, bidi controls, words
 *       that mix Latin with Cyrillic or Greek letters ({@code confusable});</li>
 *   <li>ANSI escape sequences ({@code ansi-escape});</li>
 *   <li>references to another upstream's tools ({@code shadowing});</li>
 *   <li>a name that collides with another upstream's tool after normalization ({@code name-collision}).</li>
 * </ul>
 */
public final class DefinitionScanner {
    /** A tool another upstream offers: what shadowing and collisions are checked against. */
    public record Peer(String upstream, String name, String exposed) {}

    private static final Pattern ADDRESS = Pattern.compile("(?i)\\b(ignore (all |any )?(the )?(previous|prior|above|earlier) "
            + "(instructions|prompts?)|disregard (all |any )?(previous|prior|other) (instructions|tools?)"
            + "|do not (tell|inform|mention|alert|notify|show) (this to )?the user|don'?t (tell|inform|mention) the user"
            + "|without (telling|informing|asking) the user|the user (must|should) not (know|see|be told)"
            + "|(you|the assistant|the model|the ai) (must|should|shall|are required to|have to) (always |first |also )?"
            + "(call|use|read|send|include|pass|run|invoke|ignore)|before (using|calling) (this|any other) tool"
            + "|system prompt|as an ai( assistant)?)\\b");
    private static final Pattern TAG = Pattern.compile("(?i)<\\s*/?\\s*(important|system|instructions?|hidden|secret|admin"
            + "|critical|assistant|context|note-to-ai)\\b[^>]{0,40}>");
    private static final Pattern SECRETS = Pattern.compile("(?i)(~/\\.ssh|\\bid_(rsa|ed25519|ecdsa)\\b|/etc/(passwd|shadow)"
            + "|\\.aws/credentials|(^|[\\s/'\"`])\\.env\\b|mcp\\.json|\\.netrc|\\bprivate[ _-]key\\b"
            + "|\\b(read|open|cat|send|include|pass|upload|attach|share|copy)\\b.{0,40}\\b(api[ _-]?keys?|tokens?|passwords?"
            + "|secrets?|credentials)\\b)"); // not "the file": a file tool saying what it does is no finding
    private static final Pattern WORD = Pattern.compile("\\p{L}[\\p{L}\\p{M}]*");

    private DefinitionScanner() {}

    /**
     * The findings of {@code d}, most severe first.
     *
     * @param peers the tools every other upstream offers (the definition's own upstream's are ignored)
     */
    public static List<Finding> scan(Definition d, Collection<Peer> peers) {
        Set<Finding> out = new LinkedHashSet<>();
        List<String> texts = new ArrayList<>();
        var json = d.json();
        if ("tool".equals(d.kind()) || "prompt".equals(d.kind())) {
            text(json.path("name").asString(""), out); // scanned, but a tool's own name is not a reference to a peer
            json.remove("name");
        }
        strings(json, texts);
        for (String t : texts) {
            text(t, out);
        }
        String all = String.join("\n", texts);
        if ("tool".equals(d.kind()) || "instructions".equals(d.kind())) { // #15: an upstream's instructions may shadow too
            String own = "tool".equals(d.kind()) ? normalized(d.name()) : "";
            for (Peer p : peers) {
                if (p.upstream().equals(d.upstream())) {
                    continue;
                }
                if (mentions(all, p.exposed()) || (distinctive(p.name()) && mentions(all, p.name()))) {
                    out.add(new Finding(Severity.MEDIUM, "shadowing", "refers to " + p.exposed() + ", a tool of upstream "
                            + p.upstream()));
                }
                if (!own.isEmpty() && own.equals(normalized(p.name()))) {
                    out.add(new Finding(p.name().equals(d.name()) ? Severity.LOW : Severity.MEDIUM, "name-collision",
                            "'" + Visible.escape(d.name()) + "' is '" + Visible.escape(p.name()) + "' of upstream " + p.upstream()
                                    + " after normalization"));
                }
            }
        }
        List<Finding> sorted = new ArrayList<>(out);
        sorted.sort((a, b) -> b.severity().compareTo(a.severity()));
        return List.copyOf(sorted);
    }

    /** The most severe finding's severity, or null when there is none. */
    public static Severity worst(List<Finding> findings) {
        return findings.stream().map(Finding::severity).max(Enum::compareTo).orElse(null);
    }

    private static void text(String s, Set<Finding> out) {
        find(ADDRESS, s, Severity.HIGH, "hidden-instruction", "addresses the model: ", out);
        find(TAG, s, Severity.HIGH, "instruction-tag", "a tag aimed at the model: ", out);
        find(SECRETS, s, Severity.HIGH, "secret-access", "names files or secrets: ", out);
        int tags = 0;
        int zeroWidth = 0;
        int bidi = 0;
        boolean ansi = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (cp >= 0xE0000 && cp <= 0xE007F) {
                tags++;
            } else if ((cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF || cp == 0x00AD || cp == 0x034F) {
                zeroWidth++;
            } else if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F
                    || cp == 0x061C) {
                bidi++;
            } else if (cp == 0x1B || cp == 0x9B) {
                ansi = true;
            }
            i += Character.charCount(cp);
        }
        if (tags > 0) {
            out.add(new Finding(Severity.HIGH, "tag-characters", tags + " invisible tag characters (U+E0000-U+E007F), "
                    + "text a model reads and a person does not: '" + decodeTags(s) + "'"));
        }
        if (zeroWidth > 0) {
            out.add(new Finding(Severity.MEDIUM, "invisible-characters", zeroWidth + " zero-width or invisible characters"));
        }
        if (bidi > 0) {
            out.add(new Finding(Severity.HIGH, "bidi-controls", bidi + " bidirectional controls, which reorder what a reader sees"));
        }
        if (ansi) {
            out.add(new Finding(Severity.HIGH, "ansi-escape", "ANSI escape sequences, which can hide or rewrite text in a terminal"));
        }
        Matcher w = WORD.matcher(s);
        while (w.find()) {
            if (mixedScript(w.group())) {
                out.add(new Finding(Severity.MEDIUM, "confusable", "'" + Visible.escape(w.group())
                        + "' mixes Latin with Cyrillic or Greek letters"));
                break;
            }
        }
    }

    private static void find(Pattern p, String s, Severity sev, String code, String what, Set<Finding> out) {
        Matcher m = p.matcher(s);
        if (m.find()) {
            out.add(new Finding(sev, code, what + "'" + Visible.escape(m.group()) + "'"));
        }
    }

    /** The tag characters' hidden ASCII text (U+E0020-U+E007E carry ASCII 0x20-0x7E). */
    private static String decodeTags(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().filter(cp -> cp >= 0xE0020 && cp <= 0xE007E).forEach(cp -> b.append((char) (cp - 0xE0000)));
        return Visible.escape(b.length() > 200 ? b.substring(0, 200) + "..." : b.toString());
    }

    private static boolean mixedScript(String word) {
        boolean latin = false;
        boolean other = false;
        for (int i = 0; i < word.length(); ) {
            int cp = word.codePointAt(i);
            Character.UnicodeScript sc = Character.UnicodeScript.of(cp);
            latin |= sc == Character.UnicodeScript.LATIN;
            other |= sc == Character.UnicodeScript.CYRILLIC || sc == Character.UnicodeScript.GREEK;
            i += Character.charCount(cp);
        }
        return latin && other;
    }

    /** Every string value in the covered members, and the property names of their schemas. */
    private static void strings(JsonNode n, List<String> out) {
        strings(n, false, out);
    }

    private static void strings(JsonNode n, boolean names, List<String> out) {
        if (n.isString()) {
            out.add(n.asString());
        } else if (n.isObject()) {
            for (var e : n.properties()) {
                if (names) {
                    out.add(e.getKey());
                }
                strings(e.getValue(), "properties".equals(e.getKey()) && e.getValue().isObject(), out);
            }
        } else if (n.isArray()) {
            n.forEach(x -> strings(x, false, out));
        }
    }

    private static boolean mentions(String text, String name) {
        return !name.isEmpty() && Pattern.compile("(?<![A-Za-z0-9_])" + Pattern.quote(name) + "(?![A-Za-z0-9_])",
                Pattern.CASE_INSENSITIVE).matcher(text).find();
    }

    /** A name specific enough that a mention of it is a reference, not a common word ({@code send_email}, not {@code echo}). */
    private static boolean distinctive(String name) {
        return name.length() >= 6 && name.chars().anyMatch(c -> c == '_' || c == '-' || c == '.');
    }

    /** NFKC, lower case, without separators: {@code Send-Email}, {@code send_email} and {@code sendEmail} are one. */
    static String normalized(String name) {
        return Normalizer.normalize(name, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]", "");
    }
}

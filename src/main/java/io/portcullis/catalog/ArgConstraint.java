package io.portcullis.catalog;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The catalog's overlay on one argument (C2.3), on top of the upstream's own schema. Applies to a
 * string value, or to each string of an array value.
 *
 * @param allow     allowed values: exact, or globs with {@code *} and {@code ?}; empty = anything
 * @param pattern   a regular expression the whole value must match, or null
 * @param format    a named format (email, uri, uuid, date, date-time, hostname, ipv4), or null
 * @param minLength minimum length, or null
 * @param maxLength maximum length, or null
 * @param minimum   minimum for numbers, or null
 * @param maximum   maximum for numbers, or null
 * @param pathRoots for path arguments: the value must be an absolute, NFC path that stays under one
 *                  of these roots, both as written ({@code ..} normalised) and as the file system
 *                  resolves it (symlinks the gateway can see); empty = no rule (#11 item 2)
 * @param url       for URL arguments: schemes, hosts and private addresses ({@link UrlRule}), or null (#11 item 14)
 */
public record ArgConstraint(List<String> allow, Pattern pattern, String format, Integer minLength, Integer maxLength,
                            Double minimum, Double maximum, List<Path> pathRoots, UrlRule url) {

    public ArgConstraint {
        allow = List.copyOf(allow);
        pathRoots = List.copyOf(pathRoots);
    }

    /** A constraint without a URL rule. */
    public ArgConstraint(List<String> allow, Pattern pattern, String format, Integer minLength, Integer maxLength,
                         Double minimum, Double maximum, List<Path> pathRoots) {
        this(allow, pattern, format, minLength, maxLength, minimum, maximum, pathRoots, null);
    }

    /** Checks one argument's value; returns the violated constraint in words, or empty. */
    public Optional<String> check(String name, JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return Optional.empty(); // presence is the schema's business (required)
        }
        if (value.isArray()) {
            for (JsonNode item : value) {
                Optional<String> v = check(name, item);
                if (v.isPresent()) {
                    return v;
                }
            }
            return Optional.empty();
        }
        if (hasNumberRules() && (value.isNumber() || !hasStringRules())) {
            return checkNumber(name, value);
        }
        if (!value.isString()) {
            return hasStringRules() ? Optional.of("argument '" + name + "' must be a string") : Optional.empty();
        }
        String s = value.asString();
        if (minLength != null && s.length() < minLength) {
            return Optional.of("argument '" + name + "' must be at least " + minLength + " characters");
        }
        if (maxLength != null && s.length() > maxLength) {
            return Optional.of("argument '" + name + "' must be at most " + maxLength + " characters");
        }
        if (!allow.isEmpty() && allow.stream().noneMatch(a -> Globs.matches(a, s))) {
            return Optional.of("argument '" + name + "' value '" + abbreviate(s) + "' is not in the allowlist " + allow);
        }
        if (pattern != null && !pattern.matcher(s).matches()) {
            return Optional.of("argument '" + name + "' must match the pattern " + pattern.pattern());
        }
        if (format != null && !Formats.valid(format, s)) {
            return Optional.of("argument '" + name + "' must be a valid " + format);
        }
        if (!pathRoots.isEmpty()) {
            Optional<String> unsure = unresolvable(s);
            if (unsure.isPresent()) {
                return Optional.of("argument '" + name + "' path '" + abbreviate(s) + "' " + unsure.get());
            }
            if (!underRoots(s)) {
                return Optional.of("argument '" + name + "' path '" + abbreviate(s) + "' is outside the allowed roots " + pathRoots);
            }
        }
        if (url != null) {
            return url.check(name, s);
        }
        return Optional.empty();
    }

    private boolean hasStringRules() {
        return !allow.isEmpty() || pattern != null || format != null || minLength != null || maxLength != null
                || !pathRoots.isEmpty() || url != null;
    }

    private boolean hasNumberRules() {
        return minimum != null || maximum != null;
    }

    /**
     * #11 item 13: a numeric constraint refuses what is not a JSON number (an upstream whose schema
     * leaves the type open may read "1000" as 1000). #11 item 15: compared exactly, as decimals,
     * so a 1,000-digit integer is simply over the maximum.
     */
    private Optional<String> checkNumber(String name, JsonNode value) {
        if (!value.isNumber()) {
            return Optional.of("argument '" + name + "' must be a number");
        }
        BigDecimal d = value.decimalValue();
        if (minimum != null && d.compareTo(BigDecimal.valueOf(minimum)) < 0) {
            return Optional.of("argument '" + name + "' must be at least " + minimum);
        }
        if (maximum != null && d.compareTo(BigDecimal.valueOf(maximum)) > 0) {
            return Optional.of("argument '" + name + "' must be at most " + maximum);
        }
        return Optional.empty();
    }

    /**
     * #11 item 2: why the gateway cannot resolve {@code value} exactly as the upstream will, or empty.
     * A relative path is the server's own directory's business, {@code ~} its home's, and a
     * spelling that is not NFC may be normalised by the server onto another file than the one
     * the gateway checked (an NFC-named symlink out of the root, say).
     */
    static Optional<String> unresolvable(String value) {
        if (value.indexOf('\0') >= 0) {
            return Optional.of("contains a NUL character");
        }
        if (value.startsWith("~")) {
            return Optional.of("starts with '~', which the server would expand to a home directory; send an absolute path");
        }
        if (!Normalizer.isNormalized(value, Normalizer.Form.NFC)) {
            return Optional.of("is not in Unicode NFC form; send it NFC-normalized");
        }
        try {
            if (!Path.of(value).isAbsolute()) {
                return Optional.of("is not absolute; the server would resolve it against its own directory, so send an absolute path");
            }
        } catch (InvalidPathException e) {
            return Optional.of("is not a valid path");
        }
        return Optional.empty();
    }

    /**
     * Whether the absolute {@code value} stays under a root: as written with {@code ..} normalised
     * away (how servers such as server-filesystem read it), and as the file system resolves the
     * existing part of it, symlinks followed (how a server that opens it as given reaches it).
     */
    private boolean underRoots(String value) {
        Path candidate = Path.of(value);
        Path lexical = candidate.normalize();
        Path realLexical = real(lexical);
        Path realAsGiven = real(candidate);
        for (Path root : pathRoots) {
            Path realRoot = real(root);
            boolean written = lexical.startsWith(root.normalize()) || lexical.startsWith(realRoot);
            if (written && realLexical.startsWith(realRoot) && realAsGiven.startsWith(realRoot)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The real path of {@code p} as far as it exists: symlinks in the existing part are resolved,
     * the part that does not exist yet is appended as it is (a file about to be created).
     */
    static Path real(Path p) {
        Path existing = p;
        Path rest = null;
        while (existing != null && !Files.exists(existing, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Path name = existing.getFileName();
            rest = rest == null ? name : name.resolve(rest);
            existing = existing.getParent();
        }
        if (existing == null) {
            return p;
        }
        try {
            Path r = existing.toRealPath();
            return rest == null ? r : r.resolve(rest).normalize();
        } catch (IOException e) {
            return p;
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}

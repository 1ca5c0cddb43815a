package io.portcullis.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
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
 * @param pathRoots for path arguments: the value must stay under one of these roots, after
 *                  normalising {@code ..} and resolving symlinks the gateway can see; empty = no rule
 */
public record ArgConstraint(List<String> allow, Pattern pattern, String format, Integer minLength, Integer maxLength,
                            Double minimum, Double maximum, List<Path> pathRoots) {

    public ArgConstraint {
        allow = List.copyOf(allow);
        pathRoots = List.copyOf(pathRoots);
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
        if (value.isNumber() && !hasStringRules()) {
            double d = value.asDouble();
            if (minimum != null && d < minimum) {
                return Optional.of("argument '" + name + "' must be at least " + minimum);
            }
            if (maximum != null && d > maximum) {
                return Optional.of("argument '" + name + "' must be at most " + maximum);
            }
            return Optional.empty();
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
        if (!pathRoots.isEmpty() && !underRoots(s)) {
            return Optional.of("argument '" + name + "' path '" + abbreviate(s) + "' is outside the allowed roots " + pathRoots);
        }
        return Optional.empty();
    }

    private boolean hasStringRules() {
        return !allow.isEmpty() || pattern != null || format != null || minLength != null || maxLength != null || !pathRoots.isEmpty();
    }

    private boolean underRoots(String value) {
        Path candidate;
        try {
            candidate = Path.of(value);
        } catch (InvalidPathException e) {
            return false;
        }
        if (value.indexOf('\0') >= 0) {
            return false;
        }
        for (Path root : pathRoots) {
            Path abs = (candidate.isAbsolute() ? candidate : root.resolve(candidate)).normalize();
            Path realRoot = real(root);
            if (abs.startsWith(root.normalize()) && real(abs).startsWith(realRoot)) {
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

package io.portcullis.oauthclient;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code WWW-Authenticate: Bearer ...} challenge (RFC 6750 section 3, RFC 9728 section 5.1): the
 * error, the scope the resource asks for, and where its protected-resource metadata is. Missing
 * parameters are null; a header that is not a Bearer challenge gives all nulls.
 */
public record Challenge(String error, String scope, String resourceMetadata) {
    private static final Pattern PARAM = Pattern.compile("([A-Za-z_][A-Za-z0-9_-]*)\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^\\s,]+))");

    public static final Challenge NONE = new Challenge(null, null, null);

    public static Challenge parse(String header) {
        if (header == null) {
            return NONE;
        }
        int bearer = header.toLowerCase(Locale.ROOT).indexOf("bearer");
        if (bearer < 0) {
            return NONE;
        }
        Map<String, String> params = new HashMap<>();
        Matcher m = PARAM.matcher(header.substring(bearer + 6));
        while (m.find()) {
            String v = m.group(2) != null ? m.group(2).replaceAll("\\\\(.)", "$1") : m.group(3);
            params.putIfAbsent(m.group(1).toLowerCase(Locale.ROOT), v);
        }
        return new Challenge(params.get("error"), blankToNull(params.get("scope")), blankToNull(params.get("resource_metadata")));
    }

    /** RFC 6750 section 3.1: the token lacks a scope the request needs (a step-up is due). */
    public boolean insufficientScope() {
        return "insufficient_scope".equals(error);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}

package io.portcullis.catalog;

import java.net.IDN;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * #11 item 14, C2.3: the catalog's {@code url} constraint on an argument an upstream will fetch.
 * A value must be an absolute URL whose scheme is in {@code schemes} and, unless it is a
 * {@code data:} URL, whose host is in {@code hosts} (exact names or globs; empty = any host) and
 * resolves only to public addresses unless {@code allowPrivate}: loopback, private, link-local,
 * carrier-grade NAT, unique-local, multicast and unspecified addresses are refused (SSRF).
 *
 * <p>Spellings that URL parsers read differently are refused rather than guessed at: user info
 * ({@code a@b}), backslashes, anything but printable ASCII, and numeric hosts other than a plain
 * dotted quad ({@code 2130706433}, {@code 0x7f.1}, {@code 127.1}, octal parts). What the gateway
 * cannot see: where the upstream's fetch is redirected, and what the name resolves to when the
 * upstream resolves it again (DNS rebinding); pin {@code hosts} to names you trust for that.
 *
 * @param schemes      allowed schemes, lowercase (e.g. https, data)
 * @param hosts        allowed hosts (exact or globs with {@code *}), empty = any public host
 * @param allowPrivate whether non-public addresses are allowed
 */
public record UrlRule(List<String> schemes, List<String> hosts, boolean allowPrivate) {
    private static final Pattern DOTTED_QUAD = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    /** The WHATWG URL standard's "ends in a number": such a host is parsed as IPv4, in any of several forms. */
    private static final Pattern ENDS_IN_NUMBER = Pattern.compile("\\d+|0x[0-9a-f]*");
    private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]*");

    public UrlRule {
        schemes = schemes.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
        hosts = hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    }

    /** Whether {@code scheme} is a well-formed scheme name (for the config reader). */
    static boolean validScheme(String scheme) {
        return SCHEME.matcher(scheme.toLowerCase(Locale.ROOT)).matches();
    }

    /** Returns why {@code value} is refused, in words, or empty. */
    Optional<String> check(String name, String value) {
        String what = "argument '" + name + "' URL '" + abbreviate(value) + "'";
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch <= 0x20 || ch >= 0x7f || ch == '\\') {
                return Optional.of(what + " must be plain printable ASCII without spaces or backslashes");
            }
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return Optional.of(what + " is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null || !uri.isAbsolute()) {
            return Optional.of(what + " must be an absolute URL with a scheme");
        }
        if (!schemes.contains(scheme)) {
            return Optional.of(what + " has scheme '" + scheme + "', not one of " + schemes);
        }
        if ("data".equals(scheme)) {
            return Optional.empty(); // no network: the content is in the URL itself
        }
        if (uri.isOpaque() || uri.getRawAuthority() == null) {
            return Optional.of(what + " has no host");
        }
        if (uri.getRawUserInfo() != null || uri.getRawAuthority().contains("@")) {
            return Optional.of(what + " carries user info ('@' in the host part), which is refused");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            return Optional.of(what + " has no host the gateway can read unambiguously");
        }
        host = host.toLowerCase(Locale.ROOT);
        boolean literal6 = host.startsWith("[");
        String lastLabel = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        lastLabel = lastLabel.substring(lastLabel.lastIndexOf('.') + 1);
        if (!literal6 && ENDS_IN_NUMBER.matcher(lastLabel).matches() && !DOTTED_QUAD.matcher(host).matches()) {
            // a browser-style parser (the WHATWG URL of Node's fetch) reads it as an IPv4 address in some other form
            return Optional.of(what + " has a numeric host that is not a plain dotted quad");
        }
        String bare = literal6 ? host.substring(1, host.length() - 1) : host;
        if (!hosts.isEmpty() && hosts.stream().noneMatch(h -> Globs.matches(h, bare))) {
            return Optional.of(what + " has host '" + bare + "', not in the allowed hosts " + hosts);
        }
        if (allowPrivate) {
            return Optional.empty();
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(literal6 || DOTTED_QUAD.matcher(bare).matches() ? bare : IDN.toASCII(bare));
        } catch (UnknownHostException | IllegalArgumentException e) {
            return Optional.of(what + ": host '" + bare + "' cannot be resolved, so it cannot be shown to be public");
        }
        for (InetAddress a : addresses) {
            if (!isPublic(a)) {
                return Optional.of(what + " points at a private or loopback address (" + a.getHostAddress()
                        + "); the catalog allows public addresses only");
            }
        }
        return Optional.empty();
    }

    /** Whether {@code a} is a public unicast address. */
    static boolean isPublic(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int o0 = b[0] & 0xff;
            int o1 = b[1] & 0xff;
            return !(o0 == 0 || o0 >= 240 // "this network", reserved and broadcast
                    || (o0 == 100 && (o1 & 0xc0) == 64) // 100.64.0.0/10 carrier-grade NAT
                    || (o0 == 192 && o1 == 0 && (b[2] & 0xff) == 0) // 192.0.0.0/24 protocol assignments
                    || (o0 == 198 && (o1 & 0xfe) == 18)); // 198.18.0.0/15 benchmarking
        }
        if (a instanceof Inet6Address) {
            int first = b[0] & 0xff;
            if ((first & 0xfe) == 0xfc) {
                return false; // fc00::/7 unique local
            }
            if (first == 0x20 && (b[1] & 0xff) == 0x02) {
                return isPublic(v4(b, 2)); // 2002::/16 6to4 carries an IPv4 address
            }
            if (first == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
                return isPublic(v4(b, 12)); // 64:ff9b::/96 NAT64
            }
            boolean zeros = true;
            for (int i = 0; i < 12; i++) {
                zeros &= b[i] == 0;
            }
            if (zeros) {
                return false; // IPv4-compatible ::a.b.c.d (deprecated): never a public target
            }
        }
        return true;
    }

    private static InetAddress v4(byte[] b, int at) {
        try {
            return InetAddress.getByAddress(new byte[] {b[at], b[at + 1], b[at + 2], b[at + 3]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}

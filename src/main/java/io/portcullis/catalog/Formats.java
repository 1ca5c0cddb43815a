package io.portcullis.catalog;

import java.net.URI;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** The named formats argument constraints may require. */
final class Formats {
    static final Set<String> NAMES = Set.of("email", "uri", "uuid", "date", "date-time", "hostname", "ipv4");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern HOSTNAME = Pattern.compile("(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

    private Formats() {}

    static boolean valid(String format, String s) {
        try {
            return switch (format) {
                case "email" -> EMAIL.matcher(s).matches();
                case "uri" -> URI.create(s).getScheme() != null;
                case "uuid" -> UUID.fromString(s).toString().equalsIgnoreCase(s);
                case "date" -> LocalDate.parse(s) != null;
                case "date-time" -> OffsetDateTime.parse(s) != null;
                case "hostname" -> HOSTNAME.matcher(s).matches();
                case "ipv4" -> IPV4.matcher(s).matches();
                default -> false;
            };
        } catch (RuntimeException e) {
            return false;
        }
    }
}

package io.portcullis.egress;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.commons.validator.routines.CreditCardValidator;
import org.apache.commons.validator.routines.IBANValidator;
import org.apache.commons.validator.routines.checkdigit.LuhnCheckDigit;

/**
 * #13 item 1: the checks that turn a pattern match into a detection. Card numbers and IBANs are
 * checked by Apache Commons Validator (brand prefixes, lengths, Luhn; the country's IBAN length and
 * the ISO 7064 mod 97 checksum), phone numbers by libphonenumber. Every check takes the matched
 * text and never throws (a check that cannot decide says no).
 */
public final class Validators {
    private Validators() {}

    private static final CreditCardValidator CARDS = new CreditCardValidator(CreditCardValidator.AMEX | CreditCardValidator.VISA
            | CreditCardValidator.MASTERCARD | CreditCardValidator.DISCOVER | CreditCardValidator.DINERS);
    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
    private static final Set<String> PLACEHOLDERS = Set.of("true", "false", "null", "none", "nil", "undefined", "required",
            "optional", "string", "redacted", "masked", "hidden", "xxxx", "xxxxxx", "xxxxxxxx", "******", "********", "your_password",
            "yourpassword", "password", "secret", "<password>", "example");

    /** A validator named in config ({@code luhn}, {@code iban}, {@code entropy>=N}); null for an unknown name. */
    public static Predicate<String> named(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT).replace(" ", "");
        if (s.equals("luhn")) {
            return Validators::luhn;
        }
        if (s.equals("iban")) {
            return Validators::iban;
        }
        if (s.startsWith("entropy>=")) {
            try {
                double min = Double.parseDouble(s.substring("entropy>=".length()));
                if (min < 0 || min > 16 || Double.isNaN(min)) {
                    return null;
                }
                return v -> entropy(v) >= min;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    static String digits(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** The digits of {@code s} pass the Luhn check (length 8–19). */
    public static boolean luhn(String s) {
        String d = digits(s);
        return d.length() >= 8 && d.length() <= 19 && LuhnCheckDigit.LUHN_CHECK_DIGIT.isValid(d);
    }

    /** A payment card number: a known brand's prefix and length, and Luhn (Commons Validator). */
    public static boolean card(String s) {
        String d = digits(s);
        return d.length() >= 13 && d.length() <= 19 && CARDS.isValid(d);
    }

    /** An IBAN: the country's length and the mod 97 checksum (Commons Validator); spaces are ignored. */
    public static boolean iban(String s) {
        String code = s.replace(" ", "").toUpperCase(Locale.ROOT);
        return code.length() >= 15 && code.length() <= 34 && IBANValidator.getInstance().isValid(code);
    }

    /** A phone number libphonenumber calls valid: international with '+', else read as a US number. */
    public static boolean phone(String s) {
        try {
            String region = s.trim().startsWith("+") ? "ZZ" : "US";
            return PHONES.isValidNumber(PHONES.parse(s, region));
        } catch (NumberParseException | RuntimeException e) {
            return false;
        }
    }

    /** A US social security number as issued: area not 000, 666 or 900–999; group not 00; serial not 0000. */
    public static boolean ssn(String s) {
        String d = digits(s);
        if (d.length() != 9) {
            return false;
        }
        int area = Integer.parseInt(d.substring(0, 3));
        return area != 0 && area != 666 && area < 900 && !d.startsWith("00", 3) && !d.endsWith("0000");
    }

    /** An IPv4 address: four parts of 0–255 without leading zeros. */
    public static boolean ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0') || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    /** A password value, not a placeholder: not a known filler word, not a ${VAR} or {{var}} reference, not all one character. */
    public static boolean notPlaceholder(String s) {
        String v = s.toLowerCase(Locale.ROOT);
        if (v.length() < 4 || PLACEHOLDERS.contains(v) || v.startsWith("$") || v.startsWith("{{") || v.startsWith("<")
                || v.startsWith("%") || v.startsWith("[")) {
            return false;
        }
        return v.chars().distinct().count() > 2;
    }

    /** Shannon entropy in bits per character. */
    public static double entropy(String s) {
        if (s.isEmpty()) {
            return 0;
        }
        java.util.Map<Character, Integer> counts = new java.util.HashMap<>();
        for (int i = 0; i < s.length(); i++) {
            counts.merge(s.charAt(i), 1, Integer::sum);
        }
        double h = 0;
        for (int c : counts.values()) {
            double p = (double) c / s.length();
            h -= p * (Math.log(p) / Math.log(2));
        }
        return h;
    }

    /** An OpenAI-style key that is not Anthropic's (RE2 has no look-ahead to say it in the pattern). */
    public static boolean notAnthropic(String s) {
        return !s.startsWith("sk-ant-");
    }

    /** An e-mail address that is not a documentation placeholder (example.com, example.org, .test, .invalid, noreply). */
    public static boolean notExampleMail(String s) {
        String v = s.toLowerCase(Locale.ROOT);
        String domain = v.substring(v.indexOf('@') + 1);
        return !(domain.equals("example.com") || domain.equals("example.org") || domain.equals("example.net")
                || domain.endsWith(".example") || domain.endsWith(".test") || domain.endsWith(".invalid")
                || domain.endsWith(".localhost") || v.matches("\\d+x\\d+@.*") || domain.matches(".*\\.(png|jpg|jpeg|gif|svg|webp)"));
    }
}

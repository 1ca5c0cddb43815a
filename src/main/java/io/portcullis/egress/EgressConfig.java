package io.portcullis.egress;

import java.nio.file.Path;
import java.util.List;

/**
 * The {@code egress:} section, validated and compiled (#13 items 1–3): whether results are
 * scanned, the detectors in force (built-ins less {@code disable}, plus opt-in {@code enable}, plus
 * custom {@code detectors}) as one {@link Scanner}, the {@link Actions}, how many characters
 * {@code mask} keeps, and the pseudonym key and scope.
 */
public record EgressConfig(boolean enabled, Scanner scanner, Actions actions, int maskKeep, Pseudonyms pseudonyms) {

    public static final int DEFAULT_MASK_KEEP = 4;

    /** The shipped defaults: on, every built-in detector but the opt-in ones, the default actions. */
    public static EgressConfig defaults(Path dataDir) {
        return new EgressConfig(true, new Scanner(BuiltInDetectors.all().stream().filter(d -> !d.optIn()).toList()),
                Actions.SHIPPED, DEFAULT_MASK_KEEP, new Pseudonyms(dataDir.resolve("egress-pseudonym.key"), Pseudonyms.Scope.SESSION));
    }

    /** The class ids in force. */
    public List<String> classes() {
        return scanner.detectors().stream().map(EgressDetector::id).toList();
    }
}

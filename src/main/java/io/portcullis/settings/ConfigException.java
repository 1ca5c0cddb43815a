package io.portcullis.settings;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** A config that cannot be used; lists every problem found, not just the first. */
public final class ConfigException extends Exception {
    private final List<ConfigProblem> problems;

    /** Keeps the problems in file order (by line; found-order within a line), as a reader of the file expects. */
    public ConfigException(List<ConfigProblem> problems) {
        super(inFileOrder(problems).stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")), null, false, false);
        this.problems = inFileOrder(problems);
    }

    private static List<ConfigProblem> inFileOrder(List<ConfigProblem> problems) {
        return problems.stream().sorted(Comparator.comparingInt(ConfigProblem::line)).toList();
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}

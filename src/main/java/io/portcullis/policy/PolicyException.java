package io.portcullis.policy;

import java.util.List;

/** A policy that cannot be compiled; every problem names the rule it is about. */
public final class PolicyException extends Exception {
    private final List<String> problems;

    public PolicyException(List<String> problems) {
        super(String.join("\n", problems), null, false, false);
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}

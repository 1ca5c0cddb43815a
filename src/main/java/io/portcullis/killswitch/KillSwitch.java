package io.portcullis.killswitch;

import java.time.Instant;
import java.util.Locale;

/**
 * #14 item 2 (C6.2): one run-time kill switch, set by an operator during an incident without a
 * config edit or a restart, and kept in the store until it is lifted ({@code unkill}).
 *
 * @param scope       what it switches off: one tool, every tool (and resource, prompt) of one upstream, or an environment
 * @param name        the tool's catalog name, the upstream's name, or the environment's name
 * @param environment the one environment it applies in, or {@code ""} for every environment (always the name itself for
 *                    an environment switch)
 * @param readOnly    for an environment: only {@code read_only} tools stay; otherwise everything is off
 * @param reason      why (shown to callers that are refused, and in the audit record)
 * @param by          who set it (admin principal, or {@code user@cli})
 * @param at          when
 */
public record KillSwitch(Scope scope, String name, String environment, boolean readOnly, String reason, String by, Instant at) {

    /** What a switch names. */
    public enum Scope {
        TOOL, UPSTREAM, ENVIRONMENT;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The scope a word names ({@code tool}, {@code upstream}, {@code environment}), or null. */
        public static Scope of(String word) {
            for (Scope s : values()) {
                if (s.word().equals(word)) {
                    return s;
                }
            }
            return null;
        }
    }

    public KillSwitch {
        environment = scope == Scope.ENVIRONMENT ? name : environment == null ? "" : environment;
    }

    /** Whether it applies in {@code env}. */
    public boolean appliesIn(String env) {
        return environment.isEmpty() || environment.equals(env);
    }

    /** e.g. {@code tool demo__delete (all environments)} or {@code environment prod (read-only)}. */
    public String describe() {
        if (scope == Scope.ENVIRONMENT) {
            return "environment " + name + (readOnly ? " (read-only)" : " (everything off)");
        }
        return scope.word() + " " + name + (environment.isEmpty() ? " (all environments)" : " (in " + environment + ")");
    }

    /** What a refused caller reads: the scope, who, when and why. */
    public String refusal(String what) {
        return what + " is switched off by a run-time kill switch on " + describe() + ", set by " + by + " at " + at
                + ": " + reason + " (C6.2)";
    }

    /** The environments a flip's audit record goes to: this switch's one environment, or every declared one ({@code all}). */
    public java.util.List<String> environmentsAmong(java.util.List<String> all) {
        return environment.isEmpty() || !all.contains(environment) ? all : java.util.List.of(environment);
    }
}

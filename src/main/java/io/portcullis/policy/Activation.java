package io.portcullis.policy;

import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelVariableResolver;
import io.portcullis.identity.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The CEL variables of one request. Built once per decision and shared by every rule evaluated
 * for it; the arguments are converted to CEL values only if some rule reads them.
 */
final class Activation implements CelVariableResolver {
    private final PolicyRequest request;
    private final boolean production;
    private FactsValue principal;
    private FactsValue tool;
    private FactsValue session;
    private FactsValue resource;
    private FactsValue prompt;
    private Object args;

    Activation(PolicyRequest request, boolean production) {
        this.request = request;
        this.production = production;
    }

    @Override
    public Optional<Object> find(String name) {
        return Optional.ofNullable(switch (name) {
            case "principal" -> principal();
            case "env" -> request.environment();
            case "production" -> production;
            case "tool" -> tool();
            case "kind" -> request.tool().kind();
            case "resource" -> resource == null ? resource = item(Conditions.RESOURCE, "resource", "uri") : resource;
            case "prompt" -> prompt == null ? prompt = item(Conditions.PROMPT, "prompt", "name") : prompt;
            case "session" -> session();
            // unknown arguments (visibility) are never looked up: the caller marks them unknown
            case Conditions.ARGS -> args();
            default -> null;
        });
    }

    private FactsValue principal() {
        if (principal == null) {
            Principal p = request.principal();
            principal = new FactsValue(Conditions.PRINCIPAL, Map.of("subject", p.subject(), "kind", p.kind().name().toLowerCase(Locale.ROOT),
                    "display_name", p.displayName(), "roles", p.roles(), "client", orEmpty(p.clientId()),
                    "auth_method", p.authMethod()));
        }
        return principal;
    }

    private FactsValue tool() {
        if (tool == null) {
            ToolFacts t = request.tool();
            tool = new FactsValue(Conditions.TOOL, Map.of("name", t.name(), "upstream", t.upstream(), "risk", t.riskClass(), "owner", orEmpty(t.owner()),
                    "labels", t.labels()));
        }
        return tool;
    }

    /** {@code resource} or {@code prompt}: the item's facts when it is one, else every field empty (#11 item 5). */
    private FactsValue item(dev.cel.common.types.StructType type, String kind, String nameField) {
        ToolFacts t = request.tool();
        boolean is = kind.equals(t.kind());
        return new FactsValue(type, Map.of(nameField, is ? t.name() : "", "upstream", is ? t.upstream() : "",
                "risk", is ? t.riskClass() : "", "owner", is ? orEmpty(t.owner()) : "", "labels", is ? t.labels() : List.of()));
    }

    private FactsValue session() {
        if (session == null) {
            session = new FactsValue(Conditions.SESSION, Map.of("labels", List.copyOf(new java.util.TreeSet<>(request.sessionLabels())),
                    "tools", request.sessionTools(), "calls", request.sessionCalls()));
        }
        return session;
    }

    private Object args() {
        if (args == null && request.arguments() != null) {
            args = value(request.arguments());
        }
        return args;
    }

    /** JSON as CEL sees it: objects are maps, arrays lists, integers int, other numbers double. */
    static Object value(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                m.put(e.getKey(), value(e.getValue()));
            }
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>(n.size());
            for (JsonNode e : n) {
                l.add(value(e));
            }
            return l;
        }
        if (n.isString()) {
            return n.asString();
        }
        if (n.isBoolean()) {
            return n.asBoolean();
        }
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return n.asLong();
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        return NullValue.NULL_VALUE;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}

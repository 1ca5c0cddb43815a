package io.portcullis.settings;

/**
 * An environment the gateway serves at {@code /mcp/{name}} (C3.4).
 *
 * @param name       lowercase name used in the route and in policy
 * @param production whether it is marked production (stricter defaults, no overrides)
 */
public record EnvironmentConfig(String name, boolean production) {}

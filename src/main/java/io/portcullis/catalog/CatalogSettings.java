package io.portcullis.catalog;

import io.portcullis.settings.ServerSettings;
import io.portcullis.settings.ToolSettings;

/**
 * What the catalog reads from the config: its own section, the listener's settings (the tool
 * name separator) and the per-tool switches. {@code config.GatewayConfig} is one; the catalog does
 * not know the whole config (#12 item 4: {@code config} holds the catalog's section, so the
 * catalog must not depend on {@code config}).
 */
public interface CatalogSettings {
    CatalogConfig catalog();

    ServerSettings server();

    /** The settings of one exposed tool (the defaults when it has none). */
    ToolSettings tool(String exposedName);
}

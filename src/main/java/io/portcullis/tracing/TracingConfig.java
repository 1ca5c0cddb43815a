package io.portcullis.tracing;

/**
 * The {@code tracing:} section (#18 item 2): OpenTelemetry traces exported over OTLP/HTTP. Off by
 * default; when on, the standard {@code OTEL_*} variables override these values (the SDK's
 * autoconfigure reads them), see docs/operations/tracing.md.
 *
 * @param enabled     whether the gateway builds spans at all; off costs nothing per call
 * @param endpoint    the OTLP/HTTP base URL (the exporter posts to {@code endpoint/v1/traces}), or null for the SDK's default
 * @param sampling    the share of new traces recorded, 0..1 (a client's sampled flag is followed: parent-based)
 * @param serviceName the {@code service.name} resource attribute
 */
public record TracingConfig(boolean enabled, String endpoint, double sampling, String serviceName) {

    /** No tracing: no SDK is built, no span is made. */
    public static final TracingConfig OFF = new TracingConfig(false, null, 1.0, "portcullis");
}

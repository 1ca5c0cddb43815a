package io.portcullis.resilience;

/**
 * What the upstream call needs to know about the tool it serves (#14 item 1): whether it may be
 * retried ({@code read_only} only) and its own bulkhead on top of the upstream's.
 *
 * @param tool     the exposed tool name, or null for a request that is not a tool call
 * @param readOnly whether the tool is {@code read_only}; only then is a failed call retried
 * @param bulkhead the tool's own bulkhead ({@code tools: {<tool>: {max_concurrent, max_queue}}}), or null
 */
public record ToolCall(String tool, boolean readOnly, AdmissionConfig bulkhead) {
    /** A request that is not a tool call (resources, prompts, ...): never retried, no tool bulkhead. */
    public static final ToolCall NONE = new ToolCall(null, false, null);
}

package io.portcullis.pipeline.stages;

import io.portcullis.catalog.Oversize;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Stage;
import io.portcullis.protocol.Json;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * C2.3, C5.3: a result over the tool's size limit is refused, or cut to the limit with a marker
 * the client can see (a last text item, and {@code _meta["io.portcullis/truncated"]}).
 *
 * <p>#11 item 20: for a tool that declares an {@code outputSchema}, the spec requires
 * {@code structuredContent} that satisfies it. Such a result is cut inside its
 * {@code structuredContent} (long strings shortened, arrays cut by whole items) and the cut is
 * validated against the schema; when no such cut is valid, or there is no structured content to
 * cut, the result is refused with a clear {@code isError} instead of sent broken.
 */
public final class ResultLimit implements Stage {
    static final String MARKER_KEY = "io.portcullis/truncated";

    @Override
    public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
        ObjectNode result = next.handle(call);
        ToolEntry tool = call.requireTool();
        long size = Json.bytes(result).length;
        if (size <= tool.maxResultBytes()) {
            return result;
        }
        if (tool.onOversize() == Oversize.REFUSE) {
            call.trail().note("result of " + size + " bytes refused (limit " + tool.maxResultBytes() + ")");
            throw new GatewayException.Refused(name(), "the result is " + size + " bytes, over this tool's limit of "
                    + tool.maxResultBytes() + " bytes");
        }
        ObjectNode cut = limit(result, size, tool.maxResultBytes(), tool.definition().get("outputSchema"));
        call.trail().note("result truncated from " + size + " to at most " + tool.maxResultBytes() + " bytes");
        return cut;
    }

    /**
     * The truncated result: {@link #truncate} for a tool without an {@code outputSchema} (or an
     * error result, which needs no structured content), else {@link StructuredCut}.
     *
     * @throws GatewayException.Refused (control {@code result-limit}) when no truncation satisfies the outputSchema
     */
    static ObjectNode limit(ObjectNode result, long size, long limit, JsonNode outputSchema) throws GatewayException.Refused {
        if (outputSchema == null || outputSchema.isNull() || result.path("isError").asBoolean(false)) {
            return truncate(result, size, limit);
        }
        return StructuredCut.cut(result, size, limit, outputSchema);
    }

    /** Keeps whole content items while they fit, cuts the first text item that does not, then adds the marker. */
    static ObjectNode truncate(ObjectNode result, long size, long limit) {
        return truncate(result, size, limit, limit);
    }

    /** {@link #truncate(ObjectNode, long, long)} with the content kept to {@code contentLimit} bytes (the marker names {@code limit}). */
    static ObjectNode truncate(ObjectNode result, long size, long limit, long contentLimit) {
        ObjectNode out = Json.object();
        long budget = Math.max(0, contentLimit - 512); // room for the marker and the envelope
        ArrayNode content = out.putArray("content");
        long used = 0;
        for (JsonNode item : result.path("content")) {
            long itemSize = Json.bytes(item).length;
            if (used + itemSize <= budget) {
                content.add(item);
                used += itemSize;
                continue;
            }
            if ("text".equals(item.path("type").asString("")) && budget - used > 64) {
                byte[] text = item.path("text").asString("").getBytes(StandardCharsets.UTF_8);
                int keep = (int) Math.min(text.length, (budget - used) / 2); // JSON escaping may double it
                String cut = new String(text, 0, keep, StandardCharsets.UTF_8);
                content.addObject().put("type", "text").put("text", cut);
            }
            break;
        }
        content.addObject().put("type", "text")
                .put("text", "[Portcullis: result truncated: " + size + " bytes is over this tool's limit of " + limit + " bytes]");
        if (result.has("isError")) {
            out.set("isError", result.get("isError"));
        }
        ObjectNode meta = out.putObject("_meta");
        meta.putObject(MARKER_KEY).put("originalBytes", size).put("limitBytes", limit);
        return out;
    }

    @Override
    public String name() {
        return "result-limit";
    }

    @Override
    public java.util.List<String> checklist() {
        return java.util.List.of("C5.3");
    }
}

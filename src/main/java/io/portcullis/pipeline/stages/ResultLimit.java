package io.portcullis.pipeline.stages;

import io.portcullis.catalog.Oversize;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.pipeline.CallContext;
import io.portcullis.pipeline.CallHandler;
import io.portcullis.pipeline.GatewayException;
import io.portcullis.pipeline.Stage;
import io.portcullis.protocol.Json;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * C2.3, C5.3: a result over the tool's size limit is refused, or cut to the limit with a marker
 * the client can see (a last text item, and {@code _meta["io.portcullis/truncated"]}).
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
        call.trail().note("result truncated from " + size + " to at most " + tool.maxResultBytes() + " bytes");
        return truncate(result, size, tool.maxResultBytes());
    }

    /** Keeps whole content items while they fit, cuts the first text item that does not, then adds the marker. */
    static ObjectNode truncate(ObjectNode result, long size, long limit) {
        ObjectNode out = Json.object();
        long budget = Math.max(0, limit - 512); // room for the marker and the envelope
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

// A Streamable HTTP MCP server with the fixtures the conformance suite's server scenarios ask for
// (test_* tools, prompts and test:// resources, as each scenario's description in
// `conformance list --server` / the suite's source spells them out). server-everything does not
// have them, so against it most scenarios fail for want of a fixture and test nothing; against this
// server they pass directly, which makes "passes directly, passes through the gateway" a real
// check of progress, logging, sampling, elicitation, content types, prompts, resources and completion.
//
// Written for Portcullis' tests with the official TypeScript SDK 1.x low-level Server, so every wire
// message is what the SDK makes of exactly these handlers. Stateful sessions, JSON Schema passed raw.
//
//   PORT=3990 node test-support/conformance-fixture.mjs      # serves http://127.0.0.1:3990/mcp
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import {
  CallToolRequestSchema, CompleteRequestSchema, CreateMessageResultSchema, ElicitResultSchema, GetPromptRequestSchema,
  ListPromptsRequestSchema, ListResourcesRequestSchema, ListResourceTemplatesRequestSchema, ListToolsRequestSchema,
  McpError, ErrorCode, ReadResourceRequestSchema, SetLevelRequestSchema, SubscribeRequestSchema, UnsubscribeRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";

const port = Number(process.env.PORT || 3990);
// A 1x1 PNG and a 44-byte silent WAV header: small, valid media for the content-type scenarios.
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
const WAV = Buffer.from("52494646240000005741564566d74020100000000100010044ac000088580100020010006461746100000000", "hex").toString("base64");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const text = (t) => ({ type: "text", text: t });
const empty = { type: "object", properties: {} };

const tools = [
  { name: "test_simple_text", description: "Returns one text item", inputSchema: empty },
  { name: "test_image_content", description: "Returns an image", inputSchema: empty },
  { name: "test_audio_content", description: "Returns audio", inputSchema: empty },
  { name: "test_embedded_resource", description: "Returns an embedded resource", inputSchema: empty },
  { name: "test_multiple_content_types", description: "Returns text, image and resource", inputSchema: empty },
  { name: "test_tool_with_logging", description: "Logs three messages while it runs", inputSchema: empty },
  { name: "test_tool_with_progress", description: "Reports progress 0, 50, 100 of 100", inputSchema: empty },
  { name: "test_error_handling", description: "Always fails", inputSchema: empty },
  { name: "test_sampling", description: "Asks the client for a sampled message",
    inputSchema: { type: "object", properties: { prompt: { type: "string" } }, required: ["prompt"] } },
  { name: "test_elicitation", description: "Asks the user for a username and email",
    inputSchema: { type: "object", properties: { message: { type: "string" } }, required: ["message"] } },
  { name: "test_elicitation_sep1034_defaults", description: "Elicitation with a default for every primitive type", inputSchema: empty },
  { name: "test_elicitation_sep1330_enums", description: "Elicitation with every enum variant", inputSchema: empty },
  { name: "json_schema_2020_12_tool", description: "Tool with JSON Schema 2020-12 features",
    inputSchema: {
      $schema: "https://json-schema.org/draft/2020-12/schema", type: "object",
      $defs: { address: { type: "object", properties: { street: { type: "string" }, city: { type: "string" } } } },
      properties: { name: { type: "string" }, address: { $ref: "#/$defs/address" } },
      additionalProperties: false,
    } },
];

const prompts = [
  { name: "test_simple_prompt", description: "A prompt without arguments" },
  { name: "test_prompt_with_arguments", description: "A prompt with two arguments",
    arguments: [{ name: "arg1", description: "First test argument", required: true },
      { name: "arg2", description: "Second test argument", required: true }] },
  { name: "test_prompt_with_embedded_resource", description: "A prompt embedding a resource",
    arguments: [{ name: "resourceUri", description: "URI of the resource to embed", required: true }] },
  { name: "test_prompt_with_image", description: "A prompt with an image" },
];

const resources = [
  { uri: "test://static-text", name: "static-text", mimeType: "text/plain" },
  { uri: "test://static-binary", name: "static-binary", mimeType: "image/png" },
  { uri: "test://watched-resource", name: "watched-resource", mimeType: "text/plain" },
];

async function callTool(req, extra) {
  const args = req.params.arguments ?? {};
  const send = (method, params) => extra.sendNotification({ method, params });
  switch (req.params.name) {
    case "test_simple_text":
      return { content: [text("This is a simple text response for testing.")] };
    case "test_image_content":
      return { content: [{ type: "image", data: PNG, mimeType: "image/png" }] };
    case "test_audio_content":
      return { content: [{ type: "audio", data: WAV, mimeType: "audio/wav" }] };
    case "test_embedded_resource":
      return { content: [{ type: "resource", resource: { uri: "test://embedded-resource", mimeType: "text/plain",
        text: "This is an embedded resource content." } }] };
    case "test_multiple_content_types":
      return { content: [text("Multiple content types test:"), { type: "image", data: PNG, mimeType: "image/png" },
        { type: "resource", resource: { uri: "test://mixed-content-resource", mimeType: "application/json",
          text: JSON.stringify({ test: "data", value: 123 }) } }] };
    case "test_tool_with_logging":
      for (const [i, data] of ["Tool execution started", "Tool processing data", "Tool execution completed"].entries()) {
        if (i > 0) await sleep(50);
        await send("notifications/message", { level: "info", data });
      }
      return { content: [text("Tool with logging executed successfully")] };
    case "test_tool_with_progress": {
      const token = req.params._meta?.progressToken;
      for (const [i, progress] of [0, 50, 100].entries()) {
        if (i > 0) await sleep(50);
        if (token !== undefined) await send("notifications/progress", { progressToken: token, progress, total: 100 });
      }
      return { content: [text("Tool with progress executed successfully")] };
    }
    case "test_error_handling":
      return { isError: true, content: [text("This tool intentionally returns an error for testing")] };
    case "test_sampling": {
      const r = await extra.sendRequest({ method: "sampling/createMessage", params: {
        messages: [{ role: "user", content: text(args.prompt) }], maxTokens: 100 } }, CreateMessageResultSchema);
      return { content: [text(`LLM response: ${r.content?.text ?? JSON.stringify(r.content)}`)] };
    }
    case "test_elicitation": {
      const r = await extra.sendRequest({ method: "elicitation/create", params: { message: args.message,
        requestedSchema: { type: "object", properties: {
          username: { type: "string", description: "User's response" },
          email: { type: "string", description: "User's email address" } }, required: ["username", "email"] } } },
      ElicitResultSchema);
      return { content: [text(`User response: action=${r.action}, content=${JSON.stringify(r.content ?? {})}`)] };
    }
    case "test_elicitation_sep1034_defaults": {
      const r = await extra.sendRequest({ method: "elicitation/create", params: { message: "Defaults for every primitive type",
        requestedSchema: { type: "object", properties: {
          name: { type: "string", default: "John Doe" },
          age: { type: "integer", default: 30 },
          score: { type: "number", default: 95.5 },
          status: { type: "string", enum: ["active", "inactive", "pending"], default: "active" },
          verified: { type: "boolean", default: true } } } } }, ElicitResultSchema);
      return { content: [text(`Elicitation completed: action=${r.action}, content=${JSON.stringify(r.content ?? {})}`)] };
    }
    case "test_elicitation_sep1330_enums": {
      const r = await extra.sendRequest({ method: "elicitation/create", params: { message: "Every enum variant",
        requestedSchema: { type: "object", properties: {
          untitledSingle: { type: "string", enum: ["option1", "option2", "option3"] },
          titledSingle: { type: "string", oneOf: [{ const: "value1", title: "First Option" },
            { const: "value2", title: "Second Option" }, { const: "value3", title: "Third Option" }] },
          legacyEnum: { type: "string", enum: ["opt1", "opt2", "opt3"], enumNames: ["Option One", "Option Two", "Option Three"] },
          untitledMulti: { type: "array", items: { type: "string", enum: ["option1", "option2", "option3"] } },
          titledMulti: { type: "array", items: { anyOf: [{ const: "value1", title: "First Choice" },
            { const: "value2", title: "Second Choice" }, { const: "value3", title: "Third Choice" }] } } } } } },
      ElicitResultSchema);
      return { content: [text(`Elicitation completed: action=${r.action}, content=${JSON.stringify(r.content ?? {})}`)] };
    }
    case "json_schema_2020_12_tool":
      return { content: [text(`Received: ${JSON.stringify(args)}`)] };
    default:
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${req.params.name}`);
  }
}

function getPrompt(req) {
  const args = req.params.arguments ?? {};
  switch (req.params.name) {
    case "test_simple_prompt":
      return { messages: [{ role: "user", content: text("This is a simple prompt for testing.") }] };
    case "test_prompt_with_arguments":
      return { messages: [{ role: "user", content: text(`Prompt with arguments: arg1='${args.arg1}', arg2='${args.arg2}'`) }] };
    case "test_prompt_with_embedded_resource":
      return { messages: [
        { role: "user", content: { type: "resource", resource: { uri: args.resourceUri, mimeType: "text/plain",
          text: "Embedded resource content for testing." } } },
        { role: "user", content: text("Please process the embedded resource above.") }] };
    case "test_prompt_with_image":
      return { messages: [{ role: "user", content: { type: "image", data: PNG, mimeType: "image/png" } },
        { role: "user", content: text("Please analyze the image above.") }] };
    default:
      throw new McpError(ErrorCode.InvalidParams, `Unknown prompt: ${req.params.name}`);
  }
}

function readResource(req) {
  const uri = req.params.uri;
  if (uri === "test://static-text") {
    return { contents: [{ uri, mimeType: "text/plain", text: "This is the content of the static text resource." }] };
  }
  if (uri === "test://static-binary") return { contents: [{ uri, mimeType: "image/png", blob: PNG }] };
  if (uri === "test://watched-resource") return { contents: [{ uri, mimeType: "text/plain", text: "Watched resource content." }] };
  const m = /^test:\/\/template\/([^/]+)\/data$/.exec(uri);
  if (m) {
    return { contents: [{ uri, mimeType: "application/json",
      text: JSON.stringify({ id: m[1], templateTest: true, data: `Data for ID: ${m[1]}` }) }] };
  }
  throw new McpError(-32002, `Resource not found: ${uri}`, { uri });
}

function newServer() {
  const server = new Server({ name: "portcullis-conformance-fixture", version: "1.0.0" }, { capabilities: {
    tools: { listChanged: true }, prompts: { listChanged: true }, resources: { subscribe: true, listChanged: true },
    logging: {}, completions: {} } });
  const subscriptions = new Set();
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
  server.setRequestHandler(CallToolRequestSchema, callTool);
  server.setRequestHandler(ListPromptsRequestSchema, () => ({ prompts }));
  server.setRequestHandler(GetPromptRequestSchema, getPrompt);
  server.setRequestHandler(ListResourcesRequestSchema, () => ({ resources }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: [
    { uriTemplate: "test://template/{id}/data", name: "template", mimeType: "application/json" }] }));
  server.setRequestHandler(ReadResourceRequestSchema, readResource);
  server.setRequestHandler(SubscribeRequestSchema, (req) => (subscriptions.add(req.params.uri), {}));
  server.setRequestHandler(UnsubscribeRequestSchema, (req) => (subscriptions.delete(req.params.uri), {}));
  server.setRequestHandler(SetLevelRequestSchema, () => ({}));
  server.setRequestHandler(CompleteRequestSchema, (req) => {
    const words = ["paris", "park", "party"].filter((w) => w.startsWith(req.params.argument?.value ?? ""));
    return { completion: { values: words, total: words.length, hasMore: false } };
  });
  return server;
}

const sessions = new Map();
const http = createServer(async (req, res) => {
  if (!req.url.startsWith("/mcp")) {
    res.writeHead(404).end();
    return;
  }
  const id = req.headers["mcp-session-id"];
  let transport = id ? sessions.get(id) : undefined;
  if (!transport) {
    if (id) {
      res.writeHead(404, { "content-type": "application/json" })
        .end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32001, message: "Session not found" }, id: null }));
      return;
    }
    const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
    transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sid) => sessions.set(sid, transport),
      enableDnsRebindingProtection: true,
      allowedHosts: hosts,
      allowedOrigins: hosts.map((h) => `http://${h}`),
    });
    transport.onclose = () => transport.sessionId && sessions.delete(transport.sessionId);
    await newServer().connect(transport);
  }
  await transport.handleRequest(req, res);
});
http.listen(port, "127.0.0.1", () => console.error(`conformance fixture listening on port ${port}`));

package io.portcullis.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.protocol.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Naming and aggregation of the catalog (issue #2, item 4): prefixes, separator, the spec's name alphabet, collisions. */
class CatalogTest {

    static GatewayConfig config(String yaml) throws Exception {
        // naming and aggregation, not the inventory: every tool is offered
        return ConfigReader.parse(yaml + "\ncatalog: {unlisted: allow}\n", "test.yaml", Path.of("/tmp"), null);
    }

    static ArrayNode named(String... names) {
        ArrayNode a = Json.array();
        for (String n : names) {
            a.addObject().put("name", n).put("description", "tool " + n).putObject("inputSchema").put("type", "object");
        }
        return a;
    }

    static Listing tools(ArrayNode tools) {
        return new Listing(tools, Json.array(), Json.array(), Json.array());
    }

    /** Builds with listings given in config order. */
    static Catalog build(GatewayConfig cfg, Listing... listings) {
        List<Catalog.Source> sources = new ArrayList<>();
        int i = 0;
        for (var u : cfg.upstreams().values()) {
            sources.add(new Catalog.Source(u, listings[i++]));
        }
        return Catalog.build(cfg, sources);
    }

    static final String TWO = """
            upstreams:
              alpha: {command: a}
              beta: {command: b}
            """;

    @Test
    void toolsArePrefixedWithTheirUpstream() throws Exception {
        Catalog c = build(config(TWO), tools(named("echo", "add")), tools(named("echo")));
        // #11 item 21: upstreams by name, each one's tools in the order it listed them
        assertThat(c.tools()).extracting(ToolEntry::name).containsExactly("alpha__echo", "alpha__add", "beta__echo");
        ToolEntry e = c.tool("beta__echo").orElseThrow();
        assertThat(e.upstream()).isEqualTo("beta");
        assertThat(e.upstreamName()).isEqualTo("echo");
        assertThat(e.definition().path("name").asString()).isEqualTo("beta__echo");
        assertThat(c.problems()).isEmpty();
    }

    @Test
    void theSeparatorIsConfigurable() throws Exception {
        Catalog c = build(config("server: {tool_separator: \".\"}\n" + TWO), tools(named("echo")), tools(named()));
        assertThat(c.tool("alpha.echo")).isPresent();
        assertThat(c.tool("alpha__echo")).isEmpty();
    }

    @Test
    void anExplicitPrefixAndAnEmptyOne() throws Exception {
        Catalog c = build(config("""
                upstreams:
                  alpha: {command: a, prefix: A1}
                  beta: {command: b}
                """), tools(named("echo")), tools(named("search")));
        assertThat(c.tools()).extracting(ToolEntry::name).containsExactlyInAnyOrder("A1__echo", "beta__search");
        // an empty prefix only for a sole upstream (#11 item 4)
        Catalog alone = build(config("upstreams:\n  beta: {command: b, prefix: \"\"}\n"), tools(named("search")));
        assertThat(alone.tool("search").orElseThrow().upstreamName()).isEqualTo("search");
    }

    @Test
    void namesOutsideTheSpecsAlphabetAreHidden() throws Exception {
        String max = "x".repeat(128 - "alpha__".length());
        Catalog c = build(config(TWO), tools(named("has space", "slash/y", "ünï", max, max + "y", "ok-1.2_3")), tools(named()));
        assertThat(c.tools()).extracting(ToolEntry::name).containsExactlyInAnyOrder("alpha__" + max, "alpha__ok-1.2_3");
        assertThat(c.problems()).hasSize(4).allSatisfy(p -> assertThat(p).contains("not a valid MCP tool name"));
    }

    /** #11 item 4: the config keeps prefixes apart; a name offered twice at run time hides every tool of that name. */
    @Test
    void item4_aNameOfferedTwiceHidesEveryToolOfThatNameAndSaysWhy() throws Exception {
        Catalog c = build(config(TWO), tools(named("echo", "echo", "plain")), tools(named("echo")));
        assertThat(c.tools()).extracting(ToolEntry::name).containsExactlyInAnyOrder("alpha__plain", "beta__echo");
        assertThat(c.problems()).containsExactly("tool name 'alpha__echo' is offered more than once (by alpha, alpha); "
                + "every tool of that name is hidden until it is unique");
    }

    @Test
    void entriesWithoutANameAreHidden() throws Exception {
        ArrayNode t = named("good");
        t.addObject().put("description", "no name");
        t.add("not an object");
        Catalog c = build(config(TWO), tools(t), tools(named()));
        assertThat(c.tools()).extracting(ToolEntry::name).containsExactly("alpha__good");
        assertThat(c.problems()).hasSize(2);
    }

    @Test
    void unknownFieldsSurviveAndTheListingIsNotMutated() throws Exception {
        ArrayNode t = named("echo");
        ((ObjectNode) t.get(0)).put("x-vendor", 42).putObject("annotations").put("readOnlyHint", true);
        Catalog c = build(config(TWO), tools(t), tools(named()));
        ObjectNode def = c.tool("alpha__echo").orElseThrow().definition();
        assertThat(def.path("x-vendor").asInt()).isEqualTo(42);
        assertThat(c.tool("alpha__echo").orElseThrow().annotations().path("readOnlyHint").asBoolean()).isTrue();
        assertThat(t.get(0).path("name").asString()).isEqualTo("echo");
    }

    @Test
    void toolSettingsComeFromTheConfigByExposedName() throws Exception {
        Catalog c = build(config(TWO + """
                tools:
                  alpha__echo: {enabled: false}
                """), tools(named("echo", "add")), tools(named()));
        assertThat(c.tool("alpha__echo").orElseThrow().settings().enabled()).isFalse();
        assertThat(c.tool("alpha__add").orElseThrow().settings().enabled()).isTrue();
    }

    @Test
    void promptsAndResourcesAreAggregated() throws Exception {
        ArrayNode prompts = Json.array();
        prompts.addObject().put("name", "greet");
        ArrayNode res = Json.array();
        res.addObject().put("uri", "file:///a.txt").put("name", "a");
        ArrayNode tpl = Json.array();
        tpl.addObject().put("uriTemplate", "db://rows/{id}").put("name", "row");
        ArrayNode tplB = Json.array();
        tplB.addObject().put("uriTemplate", "db://{table}").put("name", "table");
        ArrayNode resB = Json.array();
        resB.addObject().put("uri", "file:///a.txt").put("name", "dup");
        Catalog c = build(config(TWO), new Listing(Json.array(), prompts, res, tpl),
                new Listing(Json.array(), prompts.deepCopy(), resB, tplB));
        assertThat(c.prompts()).extracting(Catalog.Item::name).containsExactly("alpha__greet", "beta__greet");
        assertThat(c.prompt("beta__greet").orElseThrow().upstreamName()).isEqualTo("greet");
        assertThat(c.resources()).hasSize(1);
        assertThat(c.resourceOwner("file:///a.txt")).contains("alpha");
        assertThat(c.resourceOwner("db://rows/7")).contains("alpha"); // the longer fixed prefix wins
        assertThat(c.resourceOwner("db://users")).contains("beta");
        assertThat(c.resourceOwner("http://nowhere")).isEmpty();
        assertThat(c.problems()).singleElement().asString().contains("file:///a.txt");
    }

    @Test
    void changedSinceNamesOnlyWhatChanged() throws Exception {
        GatewayConfig cfg = config(TWO);
        Catalog a = build(cfg, tools(named("echo")), tools(named()));
        assertThat(build(cfg, tools(named("echo")), tools(named())).changedSince(a)).isEmpty();
        assertThat(build(cfg, tools(named("echo")), tools(named("new"))).changedSince(a)).containsExactly("tools");
        assertThat(build(config(TWO + "tools:\n  alpha__echo: {enabled: false}\n"), tools(named("echo")), tools(named()))
                .changedSince(a)).containsExactly("tools");
        ArrayNode prompts = Json.array();
        prompts.addObject().put("name", "p");
        assertThat(build(cfg, new Listing(named("echo"), prompts, Json.array(), Json.array()), tools(named()))
                .changedSince(a)).containsExactly("prompts");
        ArrayNode tpl = Json.array();
        tpl.addObject().put("uriTemplate", "x://{y}");
        assertThat(build(cfg, new Listing(named("echo"), Json.array(), Json.array(), tpl), tools(named()))
                .changedSince(a)).containsExactly("resources");
        assertThat(a.changedSince(Catalog.EMPTY)).containsExactly("tools");
        // #11 item 5: a catalog or switch change that alters what a prompt's admission says is a change of prompts
        Catalog withPrompt = build(cfg, new Listing(named("echo"), prompts, Json.array(), Json.array()), tools(named()));
        assertThat(build(config(TWO + "tools:\n  alpha__p: {enabled: false}\n"),
                new Listing(named("echo"), prompts, Json.array(), Json.array()), tools(named()))
                .changedSince(withPrompt)).containsExactly("prompts");
    }
}

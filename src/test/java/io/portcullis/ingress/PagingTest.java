package io.portcullis.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.protocol.ErrorCodes;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

/** Opaque cursors over aggregated lists. */
class PagingTest {

    static List<ObjectNode> items(int n) {
        List<ObjectNode> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Json.object().put("name", "t" + i));
        }
        return out;
    }

    @Test
    void walkingTheCursorsVisitsEveryItemOnce() throws Exception {
        List<ObjectNode> all = items(23);
        List<String> seen = new ArrayList<>();
        ObjectNode params = Json.object();
        int pages = 0;
        while (true) {
            ObjectNode page = Json.object();
            Paging.page(page, "tools", all, Paging.offset(params), 10);
            page.path("tools").forEach(t -> seen.add(t.path("name").asString()));
            pages++;
            if (!page.has("nextCursor")) {
                break;
            }
            params = Json.object().put("cursor", page.path("nextCursor").asString());
        }
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(23).doesNotHaveDuplicates().startsWith("t0").endsWith("t22");
    }

    @Test
    void aListThatFitsHasNoCursor() throws Exception {
        ObjectNode page = Json.object();
        Paging.page(page, "tools", items(10), Paging.offset(Json.object()), 10);
        assertThat(page.path("tools").size()).isEqualTo(10);
        assertThat(page.has("nextCursor")).isFalse();
        ObjectNode empty = Json.object();
        Paging.page(empty, "prompts", items(0), 0, 10);
        assertThat(empty.path("prompts").isArray()).isTrue();
        assertThat(empty.has("nextCursor")).isFalse();
    }

    @Test
    void aCursorPastTheEndGivesAnEmptyPage() throws Exception {
        ObjectNode page = Json.object();
        Paging.page(page, "tools", items(3), Paging.offset(Json.object().put("cursor", Paging.cursor(50))), 10);
        assertThat(page.path("tools").size()).isZero();
        assertThat(page.has("nextCursor")).isFalse();
    }

    @Test
    void cursorsAreOpaqueUrlSafeText() {
        String c = Paging.cursor(100);
        assertThat(c).matches("[A-Za-z0-9_-]+").doesNotContain("100");
    }

    @Test
    void aNullCursorIsTheStart() throws Exception {
        ObjectNode p = Json.object();
        p.putNull("cursor");
        assertThat(Paging.offset(p)).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "garbage!", "djE6", "djE6LTE", "djI6MTA", "djE6YWJj"})
    void aForgedCursorIsInvalidParams(String cursor) {
        // "djE6" = "v1:", "djE6LTE" = "v1:-1", "djI6MTA" = "v2:10", "djE6YWJj" = "v1:abc"
        assertThatThrownBy(() -> Paging.offset(Json.object().put("cursor", cursor)))
                .isInstanceOf(ProtocolException.class)
                .satisfies(e -> assertThat(((ProtocolException) e).code()).isEqualTo(ErrorCodes.INVALID_PARAMS));
    }

    @Test
    void aCursorThatIsNotAStringIsInvalidParams() {
        assertThatThrownBy(() -> Paging.offset(Json.object().put("cursor", 10))).isInstanceOf(ProtocolException.class);
        String huge = Base64.getUrlEncoder().encodeToString("v1:99999999999999".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> Paging.offset(Json.object().put("cursor", huge))).isInstanceOf(ProtocolException.class);
    }
}

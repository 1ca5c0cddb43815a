package io.portcullis.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** #19 item 2: the membership table: states from heartbeats, the config-hash flag, clean stops, re-registration. */
class NodesTest {
    private static final Instant T0 = Instant.parse("2026-12-04T12:00:00Z");

    @TempDir
    Path dir;

    private static Map<String, Node> byId(List<Node> nodes) {
        return nodes.stream().collect(Collectors.toMap(Node::id, n -> n));
    }

    @Test
    void item2_aLiveNodeWhoseConfigDiffersFromTheOthersIsFlagged() throws Exception {
        try (Store store = Store.open(new StoreConfig(null, dir, 2))) {
            Nodes nodes = new Nodes(store);
            nodes.register("a", "1.0", "h1", "http://a:8080", T0);
            nodes.register("b", "1.0", "h1", "http://b:8080", T0.plusSeconds(1));
            nodes.register("c", "1.0", "h2", "http://c:8080", T0.plusSeconds(2));
            Map<String, Node> now = byId(nodes.list(T0.plusSeconds(3)));
            assertThat(now.values()).extracting(Node::state).containsOnly("up");
            assertThat(now.get("c").configDiffers()).isTrue();
            assertThat(now.get("a").configDiffers()).isFalse();
            assertThat(now.get("b").configDiffers()).isFalse();
            assertThat(nodes.list(T0.plusSeconds(3))).extracting(Node::id).containsExactly("a", "b", "c"); // oldest start first

            // c is reloaded with the others' config: its heartbeat carries the new hash
            assertThat(nodes.beat("c", "h1", T0.plusSeconds(4))).isTrue();
            assertThat(nodes.list(T0.plusSeconds(4))).noneMatch(Node::configDiffers);
        }
    }

    @Test
    void item2_twoLiveNodesWithDifferentConfigsAreBothFlagged() throws Exception {
        try (Store store = Store.open(new StoreConfig(null, dir, 2))) {
            Nodes nodes = new Nodes(store);
            nodes.register("a", "1.0", "h1", null, T0);
            nodes.register("b", "1.0", "h2", null, T0);
            assertThat(nodes.list(T0)).allMatch(Node::configDiffers);
        }
    }

    @Test
    void item2_aNodeWithoutHeartbeatIsUnresponsiveAndAStoppedNodeIsNotCountedForTheFlag() throws Exception {
        try (Store store = Store.open(new StoreConfig(null, dir, 2))) {
            Nodes nodes = new Nodes(store);
            nodes.register("a", "1.0", "h1", null, T0);
            nodes.register("b", "1.0", "h2", null, T0);
            nodes.register("c", "1.0", "h1", null, T0);
            Instant later = T0.plus(Nodes.STALE).plusSeconds(1);
            nodes.beat("a", "h1", later);
            nodes.stopped("c", later);
            Map<String, Node> now = byId(nodes.list(later));
            assertThat(now.get("a").state()).isEqualTo("up");
            assertThat(now.get("b").state()).isEqualTo("unresponsive"); // killed, hung or cut off: no heartbeat for 3 periods
            assertThat(now.get("c").state()).isEqualTo("stopped");
            assertThat(now.values()).noneMatch(Node::configDiffers); // only live nodes are compared

            // a heartbeat brings b back; a node that restarts with the same id registers anew (started moves)
            nodes.beat("b", "h1", later.plusSeconds(1));
            nodes.register("c", "1.1", "h1", null, later.plusSeconds(2));
            now = byId(nodes.list(later.plusSeconds(2)));
            assertThat(now.get("b").state()).isEqualTo("up");
            assertThat(now.get("c").state()).isEqualTo("up");
            assertThat(now.get("c").started()).isEqualTo(later.plusSeconds(2));
            assertThat(now.get("c").version()).isEqualTo("1.1");
        }
    }

    @Test
    void item2_aHeartbeatOfARowThatIsGoneSaysSoAndNodesGoneForADayAreForgotten() throws Exception {
        try (Store store = Store.open(new StoreConfig(null, dir, 2))) {
            Nodes nodes = new Nodes(store);
            assertThat(nodes.beat("ghost", "h1", T0)).isFalse(); // Membership then registers again
            nodes.register("old", "1.0", "h1", null, T0);
            nodes.stopped("old", T0);
            nodes.register("new", "1.0", "h1", null, T0.plus(Nodes.FORGET).plus(Duration.ofMinutes(1)));
            assertThat(nodes.list(T0.plus(Nodes.FORGET).plus(Duration.ofMinutes(1)))).extracting(Node::id).containsExactly("new");
        }
    }
}

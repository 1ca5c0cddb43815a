package io.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.call.GatewayException;
import io.portcullis.settings.UpstreamConfig;
import io.portcullis.settings.UpstreamCredentials;
import io.portcullis.settings.UpstreamRoots;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * #16 item 2: the per-user upstream connections are bounded: a cap per upstream (LRU idle one closed,
 * or a new user refused naming control {@code credentials} when none is idle), an idle expiry, and
 * revocation closing a user's connections. The connections here are made but never started (no
 * network); time is a counter moved by hand.
 */
class UserSessionsTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final List<Upstream> made = new ArrayList<>();
    private final List<UserToken> tokens = new ArrayList<>();
    private final UserSessions sessions = new UserSessions((u, caller) -> {
        throw new AssertionError("not used");
    }, now::get, (config, listener, token) -> {
        Upstream u = new Upstream(config, listener, null);
        made.add(u);
        tokens.add(token);
        return u;
    });

    static UpstreamConfig config(int max, Duration idle) {
        UpstreamCredentials c = new UpstreamCredentials(UpstreamCredentials.Mode.TOKEN_EXCHANGE, "aud", URI.create("http://127.0.0.1:1/token"),
                "gw", null, null, null, null, null, null, null, max, idle);
        return new UpstreamConfig("crm", UpstreamConfig.Transport.HTTP, List.of(), Map.of(), null, URI.create("http://127.0.0.1:1/mcp"),
                Map.of(), "crm", Duration.ofSeconds(5), "2025-11-25", UpstreamConfig.Protocol.LEGACY, UpstreamConfig.Stdio.DEFAULTS,
                UpstreamRoots.NONE, null, null, c);
    }

    static UserSessions.Key key(String subject) {
        return new UserSessions.Key("https://sso.example", subject, "crm", "");
    }

    static UserSessions.Lease lease(String subject) {
        return new UserSessions.Lease(key(subject), () -> "Bearer token-of-" + subject);
    }

    @Test
    void oneConnectionPerUserEachWithItsOwnToken() throws Exception {
        Upstream shared = sessions.attach(new Upstream(config(10, Duration.ofMinutes(10)), upstream -> { }, null));
        Upstream alice = sessions.session(shared, lease("alice"));
        Upstream bob = sessions.session(shared, lease("bob"));
        assertThat(alice).isNotSameAs(bob).isNotSameAs(shared);
        assertThat(sessions.session(shared, lease("alice"))).as("the same user: the same connection").isSameAs(alice);
        assertThat(tokens.get(0).authorization()).isEqualTo("Bearer token-of-alice");
        assertThat(tokens.get(1).authorization()).isEqualTo("Bearer token-of-bob");
        // a later call with a fresher token: the connection asks that one from now on
        sessions.session(shared, new UserSessions.Lease(key("alice"), () -> "Bearer newer-of-alice"));
        assertThat(tokens.get(0).authorization()).isEqualTo("Bearer newer-of-alice");
        assertThat(sessions.openCount("crm")).isEqualTo(2);
    }

    @Test
    void atTheCapTheLeastRecentlyUsedIdleConnectionIsClosed() throws Exception {
        Upstream shared = sessions.attach(new Upstream(config(2, Duration.ofMinutes(10)), upstream -> { }, null));
        Upstream alice = sessions.session(shared, lease("alice"));
        now.addAndGet(1_000);
        Upstream bob = sessions.session(shared, lease("bob"));
        now.addAndGet(1_000);
        sessions.session(shared, lease("alice")); // alice used again: bob is now the least recently used
        now.addAndGet(1_000);
        Upstream carol = sessions.session(shared, lease("carol"));
        assertThat(bob.state()).isEqualTo(Upstream.State.CLOSED);
        assertThat(alice.state()).isNotEqualTo(Upstream.State.CLOSED);
        assertThat(carol.state()).isNotEqualTo(Upstream.State.CLOSED);
        assertThat(sessions.isOpen(key("bob"))).isFalse();
        assertThat(sessions.openCount("crm")).isEqualTo(2);
    }

    @Test
    void atTheCapWithNoneIdleANewUserIsRefusedNamingTheControl() throws Exception {
        Upstream shared = sessions.attach(new Upstream(config(1, Duration.ofMinutes(10)), upstream -> { }, null));
        Upstream alice = sessions.session(shared, lease("alice"));
        // alice's call is running: her connection's bulkhead has a slot in use
        try (Busy busy = new Busy(alice)) {
            assertThatThrownBy(() -> sessions.session(shared, lease("bob")))
                    .isInstanceOf(GatewayException.Refused.class)
                    .satisfies(e -> assertThat(((GatewayException.Refused) e).control()).isEqualTo("credentials"))
                    .hasMessageContaining("max_user_sessions").hasMessageContaining("crm");
        }
        assertThat(alice.state()).isNotEqualTo(Upstream.State.CLOSED);
        assertThat(sessions.isOpen(key("bob"))).isFalse();
    }

    @Test
    void anIdleConnectionIsClosedAfterUserSessionIdle() throws Exception {
        Upstream shared = sessions.attach(new Upstream(config(10, Duration.ofSeconds(60)), upstream -> { }, null));
        Upstream alice = sessions.session(shared, lease("alice"));
        now.addAndGet(Duration.ofSeconds(30).toNanos());
        Upstream bob = sessions.session(shared, lease("bob"));
        now.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(sessions.expireIdle()).isEqualTo(1);
        assertThat(alice.state()).isEqualTo(Upstream.State.CLOSED);
        assertThat(bob.state()).isNotEqualTo(Upstream.State.CLOSED);
        now.addAndGet(Duration.ofSeconds(29).toNanos());
        assertThat(sessions.expireIdle()).isZero();
        // alice comes back: a new connection
        Upstream again = sessions.session(shared, lease("alice"));
        assertThat(again).isNotSameAs(alice);
    }

    @Test
    void revokingAUsersGrantClosesTheirConnectionsOnly() throws Exception {
        Upstream shared = sessions.attach(new Upstream(config(10, Duration.ofMinutes(10)), upstream -> { }, null));
        Upstream alice = sessions.session(shared, lease("alice"));
        Upstream bob = sessions.session(shared, lease("bob"));
        assertThat(sessions.closeUser("alice", null, "crm")).isEqualTo(1);
        assertThat(alice.state()).isEqualTo(Upstream.State.CLOSED);
        assertThat(bob.state()).isNotEqualTo(Upstream.State.CLOSED);
        assertThat(sessions.closeUser("bob", "https://other.example", null)).as("another issuer's bob").isZero();
    }

    /** #16 item 4: what a user's connection sends tied to no call is handed on with that user's key alone. */
    @Test
    void aUsersConnectionsNotificationsAreForThatUserAlone() throws Exception {
        List<String> got = new ArrayList<>();
        sessions.onEvents(new UserSessions.UserEvents() {
            @Override
            public void listChanged(UserSessions.Key user, String kind) {
                got.add(user.subject() + " " + kind);
            }

            @Override
            public void notification(UserSessions.Key user, String upstream, tools.jackson.databind.node.ObjectNode message) {
                got.add(user.subject() + " " + upstream + " " + message.path("method").asString(""));
            }
        });
        Upstream shared = sessions.attach(new Upstream(config(10, Duration.ofMinutes(10)), upstream -> { }, null));
        Upstream alice = sessions.session(shared, lease("alice"));
        sessions.session(shared, lease("bob"));
        alice.listener.notification(alice, io.portcullis.protocol.Message.notification("notifications/message",
                io.portcullis.protocol.Json.object().put("level", "info")));
        alice.listener.listingChanged(alice);
        assertThat(got).containsExactly("alice crm notifications/message", "alice tools", "alice prompts", "alice resources");
    }

    @Test
    void onlyHttpUpstreamsWithAPerUserModeArePerUser() {
        assertThat(UserSessions.perUser(config(1, null))).isTrue();
        UpstreamConfig service = new UpstreamConfig("svc", UpstreamConfig.Transport.HTTP, List.of(), Map.of(), null,
                URI.create("http://127.0.0.1:1/mcp"), Map.of(), "svc", Duration.ofSeconds(5), "2025-11-25", UpstreamConfig.Protocol.LEGACY,
                UpstreamConfig.Stdio.DEFAULTS, UpstreamRoots.NONE, null, null,
                new UpstreamCredentials(UpstreamCredentials.Mode.SERVICE, null, null, null, null, null, null, null, null));
        assertThat(UserSessions.perUser(service)).isFalse();
        assertThat(config(0, null).credentials().maxUserSessions()).isEqualTo(UpstreamCredentials.DEFAULT_MAX_USER_SESSIONS);
        assertThat(config(0, null).credentials().userSessionIdle()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void aPerUserUpstreamWithoutItsPerUserConnectionsListsNothing_failClosed() {
        Upstream detached = new Upstream(config(10, Duration.ofMinutes(10)), upstream -> { }, null); // never attached
        assertThat(UserSessions.toolsOf(detached, io.portcullis.identity.Principal.anonymous("default", "c")))
                .as("no other user's (or the shared) listing: none").isEmpty();
    }

    /** A call holding a slot of a connection's bulkhead until closed. */
    static final class Busy implements AutoCloseable {
        private final java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        private final Thread t;

        Busy(Upstream u) throws InterruptedException {
            t = Thread.ofVirtual().start(() -> {
                try {
                    u.protection().call(io.portcullis.resilience.ToolCall.NONE, Duration.ofMinutes(1), () -> {
                        started.countDown();
                        release.await();
                        return null;
                    });
                } catch (Exception e) {
                    started.countDown();
                }
            });
            started.await();
            assertThat(u.inFlight()).isEqualTo(1);
        }

        @Override
        public void close() throws InterruptedException {
            release.countDown();
            t.join();
        }
    }
}

package io.portcullis.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * #14 (session 9): the blocking connections of {@link RedisBuckets} ({@link RedisConnections},
 * {@link RespConnection}) against peers that are not a healthy Redis: one that accepts and never
 * answers (held at most the timeout, then the fallback's exception), one that answers garbage or a
 * huge reply (refused, not read), and the shared Redis with a database and a password in the URL.
 * Attack first.
 */
class RedisConnectionsIT {
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** A peer on a free loopback port that reads what it is sent and writes {@code answer} (or nothing) to every connection. */
    private String peer(byte[] answer) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        open.add(server);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    open.add(s);
                    Thread.ofVirtual().start(() -> serve(s, answer));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return "redis://127.0.0.1:" + server.getLocalPort();
    }

    private static void serve(Socket s, byte[] answer) {
        try (InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            byte[] b = new byte[4096];
            while (in.read(b) > 0) {
                if (answer != null) {
                    out.write(answer);
                    out.flush();
                }
            }
        } catch (IOException ignored) {
            // the client went away
        }
    }

    private RedisBuckets buckets(String url, Duration timeout) {
        RedisBuckets b = new RedisBuckets(new RateLimitConfig.Redis(URI.create(url), "h4-it-" + UUID.randomUUID() + ":", timeout));
        open.add(b);
        return b;
    }

    @Test
    void aPeerThatNeverAnswersHoldsACallAtMostTheTimeout() throws Exception {
        RedisBuckets b = buckets(peer(null), Duration.ofMillis(300));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> b.take("k", 5, Duration.ofMinutes(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("did not answer");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void garbageAndHugeRepliesAreRefusedNotRead() throws Exception {
        RedisBuckets garbage = buckets(peer("HTTP/1.1 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII)), Duration.ofSeconds(2));
        assertThatThrownBy(() -> garbage.take("k", 5, Duration.ofMinutes(1))).isInstanceOf(IllegalStateException.class);
        RedisBuckets huge = buckets(peer("$999999999\r\n".getBytes(StandardCharsets.US_ASCII)), Duration.ofSeconds(2));
        assertThatThrownBy(() -> huge.take("k", 5, Duration.ofMinutes(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bytes");
        RedisBuckets notANumber = buckets(peer(":12x\r\n".getBytes(StandardCharsets.US_ASCII)), Duration.ofSeconds(2));
        assertThatThrownBy(() -> notANumber.take("k", 5, Duration.ofMinutes(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("number expected");
        RedisBuckets wrongShape = buckets(peer(":7\r\n".getBytes(StandardCharsets.US_ASCII)), Duration.ofSeconds(2));
        assertThatThrownBy(() -> wrongShape.take("k", 5, Duration.ofMinutes(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("something else");
    }

    @Test
    void nothingListeningFailsAtOnce_andIsNotTriedAgainWithinASecond() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        RedisBuckets b = buckets("redis://127.0.0.1:" + port, Duration.ofSeconds(2));
        assertThatThrownBy(() -> b.take("k", 5, Duration.ofMinutes(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot connect");
        assertThatThrownBy(() -> b.take("k", 5, Duration.ofMinutes(1))).hasMessageContaining("at most once a second");
    }

    @Test
    void theUrlsDatabaseIsSelected_andItsPasswordIsSent() throws Exception {
        // the shared Redis (no password): a database of the URL's own; the keys carry this test's prefix and expire
        RedisBuckets db = buckets("redis://127.0.0.1:6379/7", Duration.ofSeconds(2));
        assertThat(db.take("k", 2, Duration.ofSeconds(2))).isZero();
        assertThat(db.take("k", 2, Duration.ofSeconds(2))).isZero();
        assertThat(db.take("k", 2, Duration.ofSeconds(2))).as("the third of 2 in 2 s").isPositive();
        RedisBuckets db0 = buckets("redis://127.0.0.1:6379", Duration.ofSeconds(2));
        // another prefix, so this only shows that database 0 answers too; the AUTH below shows the URL's user info is sent
        assertThat(db0.take("k", 2, Duration.ofSeconds(2))).isZero();
        RedisBuckets auth = buckets("redis://nobody:wrong@127.0.0.1:6379", Duration.ofSeconds(2));
        assertThatThrownBy(() -> auth.take("k", 2, Duration.ofSeconds(2))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("AUTH");
    }
}

package io.portcullis.ratelimit;

import io.lettuce.core.RedisURI;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One blocking connection to Redis, spoken in RESP2 by the calling thread itself (#14, session 9).
 * The gateway's calls run on virtual threads: a blocking socket write happens on the caller's own
 * carrier and a blocking read parks the virtual thread until the reply is there, so a rate-limit
 * check crosses no other thread of ours. Lettuce's client (up to session 8) handed every command to
 * its Netty event loop thread and the reply back from it: two more thread wake-ups per call, each a
 * wait for a core on a loaded machine (docs/performance.md, "Redis rate limits (#14, session 9)").
 * Used by one caller at a time ({@link RedisConnections} lends it). Replies that are not a
 * {@code -error} are a {@code Long}, a {@code byte[]} (null for a nil), a {@code String} (a status)
 * or a {@code List} of those; a {@code -error} reply is a {@link RedisError}. Any I/O failure, a
 * timeout included, leaves the connection unusable: the caller closes it.
 */
final class RespConnection implements AutoCloseable {
    /** A {@code -ERR ...} reply: Redis answered, and said no. */
    static final class RedisError extends RuntimeException {
        RedisError(String message) {
            super(message);
        }

        boolean noScript() {
            return getMessage().startsWith("NOSCRIPT");
        }
    }

    private static final int MAX_BULK = 1 << 20; // a reply of ours is a few bytes: anything bigger is not Redis
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RespConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 512);
        this.out = socket.getOutputStream();
    }

    /**
     * Connects (TLS for {@code rediss://}, the host name checked), authenticates ({@code user} and
     * {@code password} of the URL's user info, when there is a password) and selects the database
     * of {@code uri}, each step held to {@code timeout}.
     */
    static RespConnection open(RedisURI uri, String user, String password, Duration timeout) throws IOException {
        int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), ms);
            s.setSoTimeout(ms);
            if (uri.isSsl()) {
                SSLSocket tls = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(s, uri.getHost(), uri.getPort(), true);
                if (uri.isVerifyPeer()) {
                    SSLParameters p = tls.getSSLParameters();
                    p.setEndpointIdentificationAlgorithm("HTTPS");
                    tls.setSSLParameters(p);
                }
                tls.startHandshake();
                s = tls;
            }
            RespConnection c = new RespConnection(s);
            if (password != null) {
                byte[] pw = utf8(password);
                try {
                    c.call(user == null ? new byte[][] {ascii("AUTH"), pw} : new byte[][] {ascii("AUTH"), utf8(user), pw});
                } catch (RedisError e) {
                    throw new IOException("Redis refused the URL's credentials (AUTH): " + e.getMessage());
                }
            }
            if (uri.getDatabase() != 0) {
                c.call(ascii("SELECT"), ascii(Integer.toString(uri.getDatabase())));
            }
            return c;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Sends one command and reads its reply (one write, one round trip). */
    Object call(byte[]... args) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64 + args.length * 48);
        b.write('*');
        b.writeBytes(ascii(Integer.toString(args.length)));
        b.write('\r');
        b.write('\n');
        for (byte[] a : args) {
            b.write('$');
            b.writeBytes(ascii(Integer.toString(a.length)));
            b.write('\r');
            b.write('\n');
            b.writeBytes(a);
            b.write('\r');
            b.write('\n');
        }
        out.write(b.toByteArray());
        out.flush();
        Object reply = read(0);
        if (reply instanceof RedisError e) {
            throw e;
        }
        return reply;
    }

    private Object read(int depth) throws IOException {
        int type = in.read();
        String line = line();
        return switch (type) {
            case '+' -> line;
            case '-' -> new RedisError(line);
            case ':' -> number(line);
            case '$' -> bulk(number(line));
            case '*' -> {
                long n = number(line);
                if (n < 0) {
                    yield null;
                }
                if (n > 1024 || depth > 4) {
                    throw new IOException("not a reply of Redis to this client (an array of " + n + ")");
                }
                List<Object> items = new ArrayList<>((int) n);
                for (int i = 0; i < n; i++) {
                    items.add(read(depth + 1));
                }
                yield items;
            }
            case -1 -> throw new EOFException("Redis closed the connection");
            default -> throw new IOException("not a reply of Redis (type byte " + type + ")");
        };
    }

    private byte[] bulk(long n) throws IOException {
        if (n < 0) {
            return null;
        }
        if (n > MAX_BULK) {
            throw new IOException("a reply of " + n + " bytes is not one of this client's");
        }
        byte[] b = in.readNBytes((int) n);
        if (b.length < n || in.read() != '\r' || in.read() != '\n') {
            throw new EOFException("Redis closed the connection mid-reply");
        }
        return b;
    }

    private static long number(String line) throws IOException {
        try {
            return Long.parseLong(line);
        } catch (NumberFormatException e) {
            throw new IOException("not a reply of Redis (a number expected, got " + line.length() + " characters)");
        }
    }

    private String line() throws IOException {
        StringBuilder s = new StringBuilder(16);
        for (int c; (c = in.read()) != '\r'; ) {
            if (c < 0) {
                throw new EOFException("Redis closed the connection");
            }
            if (s.length() > 4096) {
                throw new IOException("a reply line too long for Redis");
            }
            s.append((char) c);
        }
        if (in.read() != '\n') {
            throw new IOException("not a reply of Redis (no line feed)");
        }
        return s.toString();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a broken connection: nothing to do
        }
    }
}

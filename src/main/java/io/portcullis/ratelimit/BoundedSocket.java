package io.portcullis.ratelimit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import redis.clients.jedis.DefaultJedisSocketFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisSocketFactory;

/**
 * A socket of Jedis's own making (plain or TLS, its timeouts) whose input passes through
 * {@link BoundedReplies} (#14, session 9). Only the calls Jedis's {@code Connection} makes are passed on.
 */
final class BoundedSocket extends Socket {
    private final Socket socket;
    private final InputStream in;

    private BoundedSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BoundedReplies(socket.getInputStream());
    }

    /** Jedis's socket factory for {@code at} and {@code config}, each socket's replies bounded. */
    static JedisSocketFactory factory(HostAndPort at, JedisClientConfig config) {
        DefaultJedisSocketFactory plain = new DefaultJedisSocketFactory(at, config);
        return () -> {
            Socket s = plain.createSocket();
            try {
                return new BoundedSocket(s);
            } catch (IOException e) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // already broken
                }
                throw new redis.clients.jedis.exceptions.JedisConnectionException(e);
            }
        };
    }

    @Override
    public InputStream getInputStream() {
        return in;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        return socket.getOutputStream();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        socket.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return socket.getSoTimeout();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return socket.getLocalSocketAddress();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return socket.getRemoteSocketAddress();
    }

    @Override
    public boolean isBound() {
        return socket.isBound();
    }

    @Override
    public boolean isConnected() {
        return socket.isConnected();
    }

    @Override
    public boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public boolean isInputShutdown() {
        return socket.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return socket.isOutputShutdown();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

package io.portcullis.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One keep-alive HTTP/1.1 connection, spoken by hand on a blocking socket: a request is one
 * write, a response is read by Content-Length or chunked framing (SSE answers come chunked). A
 * general client (java.net.http) costs several times more CPU per call, and on a 2-core machine
 * the load generator's CPU is taken from the servers it measures.
 */
final class HttpWire implements AutoCloseable {
    record Reply(int status, String sessionId, String body) {}

    private final URI url;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream(4096);

    HttpWire(URI url) {
        this.url = url;
    }

    /** (Re)opens the TCP connection; the MCP session, if any, lives in headers and survives this. */
    void connect() throws IOException {
        close();
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(url.getHost(), url.getPort()), 5000);
        s.setSoTimeout(30_000);
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 16384);
        out = s.getOutputStream();
    }

    /** POSTs {@code json} with the given extra headers and reads the whole response. */
    Reply post(String json, Map<String, String> headers) throws IOException {
        if (socket == null) {
            connect();
        }
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder(256)
                .append("POST ").append(url.getRawPath()).append(" HTTP/1.1\r\n")
                .append("Host: ").append(url.getHost()).append(':').append(url.getPort()).append("\r\n")
                .append("Content-Type: application/json\r\n")
                .append("Accept: application/json, text/event-stream\r\n");
        headers.forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
        h.append("Content-Length: ").append(payload.length).append("\r\n\r\n");
        byte[] head = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + payload.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(payload, 0, all, head.length, payload.length);
        out.write(all);
        out.flush();
        return read();
    }

    private Reply read() throws IOException {
        String status = line();
        if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
            throw new IOException("bad status line: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean closeAfter = false;
        String session = null;
        String line;
        while (!(line = line()).isEmpty()) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase();
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase().contains("chunked");
                case "mcp-session-id" -> session = value;
                case "connection" -> closeAfter = value.equalsIgnoreCase("close");
                default -> { }
            }
        }
        body.reset();
        if (chunked) {
            long size;
            while ((size = Long.parseLong(stripExtensions(line()), 16)) > 0) {
                copy(size);
                line(); // the CRLF after each chunk
            }
            while (!line().isEmpty()) {
                // trailers
            }
        } else if (length >= 0) {
            copy(length);
        } else {
            throw new IOException("response without length framing");
        }
        Reply r = new Reply(code, session, body.toString(StandardCharsets.UTF_8));
        if (closeAfter) {
            close();
        }
        return r;
    }

    private static String stripExtensions(String sizeLine) {
        int semi = sizeLine.indexOf(';');
        return (semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim();
    }

    private void copy(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(n, 8192)];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                throw new EOFException("connection closed mid-body");
            }
            body.write(buf, 0, r);
            n -= r;
        }
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder(64);
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException("connection closed");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
        }
    }
}

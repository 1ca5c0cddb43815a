package io.portcullis.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 exchange over a plain socket, for what java.net.http will not send (a forged
 * {@code Host} header). Returns the whole answer as text (the connection is closed after it).
 */
public final class RawHttp {
    private RawHttp() {}

    public static String exchange(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Like {@link #exchange}, then closes the sending side: the server sees the request end where it ends. */
    public static String exchangeHalfClosed(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A POST of {@code body} to /mcp with the given Host header and {@code Connection: close}. */
    public static String post(int port, String host, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return exchange(port, "POST /mcp HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n"
                + "Accept: application/json, text/event-stream\r\nContent-Length: " + b.length
                + "\r\nConnection: close\r\n\r\n" + body);
    }

    /** The status code of a raw answer. */
    public static int status(String answer) {
        return Integer.parseInt(answer.substring(answer.indexOf(' ') + 1, answer.indexOf(' ') + 4));
    }

    /** The body of a raw answer. */
    public static String body(String answer) {
        int i = answer.indexOf("\r\n\r\n");
        return i < 0 ? "" : answer.substring(i + 4);
    }
}

package io.portcullis.upstream;

import io.portcullis.protocol.Json;
import io.portcullis.protocol.SseReader;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/**
 * The GET stream of a legacy Streamable HTTP session (#12 item 4: the server's own messages,
 * apart from the answers to our POSTs): server-initiated notifications such as list changes,
 * resumed from the last event id, reconnected until the connection closes or it failed five
 * times in a row; a server that answers other than 200 (405) offers none.
 */
final class GetStream {
    /** The connection's logger: operators read these lines under the HTTP connection's name. */
    private static final Logger LOG = LoggerFactory.getLogger(HttpConnection.class);

    private final HttpConnection conn;
    private volatile Request current;
    private volatile Thread thread;

    GetStream(HttpConnection conn) {
        this.conn = conn;
    }

    void start() {
        thread = Thread.ofVirtual().name("get-" + conn.config().name()).start(this::listen);
    }

    private void listen() {
        String lastEventId = null;
        int failures = 0;
        while (!conn.closed() && failures < 5) {
            try {
                String resumeFrom = lastEventId;
                Request r = conn.request(HttpMethod.GET).headers(f -> {
                    f.put(HttpHeader.ACCEPT, "text/event-stream");
                    if (resumeFrom != null) {
                        f.put("Last-Event-ID", resumeFrom);
                    }
                });
                InputStreamResponseListener listener = new InputStreamResponseListener();
                current = r;
                r.send(listener);
                Response resp = listener.get(30, TimeUnit.SECONDS);
                if (resp.getStatus() != 200) {
                    listener.getInputStream().close();
                    return; // 405: the server offers no GET stream
                }
                failures = 0;
                try (SseReader sse = new SseReader(listener.getInputStream())) {
                    SseReader.Event ev;
                    while (!conn.closed() && (ev = sse.next()) != null) {
                        if (ev.id() != null) {
                            lastEventId = ev.id();
                        }
                        try {
                            conn.deliver(Json.parse(ev.data()), null);
                        } catch (JacksonException e) {
                            LOG.warn("upstream {} sent a GET-stream event that is not JSON; ignored", conn.config().name());
                        }
                    }
                }
            } catch (IOException | ExecutionException | TimeoutException e) {
                failures++;
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(500L * failures); // the reconnection backoff, not a synchronisation
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Ends the stream: its exchange is aborted and its thread interrupted. */
    void close() {
        Request get = current;
        if (get != null) {
            get.abort(new IOException("connection closed"));
        }
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}

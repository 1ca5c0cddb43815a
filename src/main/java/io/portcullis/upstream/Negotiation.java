package io.portcullis.upstream;

import io.portcullis.settings.UpstreamConfig;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The era decision for one upstream, made on each new connection: a {@code server/discover}
 * probe carrying the gateway's envelope, its outcome judged by {@link EraProbe}. Over HTTP the
 * probe is a POST like any other (an SDK 1.x server answers it 400 "not initialized", a 2026-07-28
 * one with its discover result); over stdio it goes to the child about to be initialized, and a
 * child that exits on it is restarted and never probed again.
 */
final class Negotiation {
    private static final Logger LOG = LoggerFactory.getLogger(Negotiation.class);

    private final UpstreamConfig config;
    private final Calls calls;
    private final AtomicLong ids;
    private final Duration timeout;
    /** A stdio upstream that exited on the server/discover probe is spoken to the legacy way from then on. */
    private volatile boolean probeEndsProcess;

    Negotiation(UpstreamConfig config, Calls calls, AtomicLong ids, Duration timeout) {
        this.config = config;
        this.calls = calls;
        this.ids = ids;
        this.timeout = timeout;
    }

    /**
     * Decides the era: probes with server/discover unless the config pins legacy (or this stdio
     * upstream exited on an earlier probe); returns the modern verdict, or null for legacy.
     *
     * @throws IOException when the upstream cannot be used now (the supervisor retries with
     *         backoff), or when it exited on the probe (it is restarted and spoken to the legacy way)
     */
    EraProbe.Verdict.Modern negotiate(Connection c, CountDownLatch down) throws IOException {
        UpstreamConfig.Protocol pin = config.protocol();
        if (pin == UpstreamConfig.Protocol.LEGACY || (pin == UpstreamConfig.Protocol.AUTO && probeEndsProcess)) {
            return null;
        }
        boolean stdio = config.transport() == UpstreamConfig.Transport.STDIO;
        String version = EraProbe.MODERN_VERSIONS.getFirst();
        for (int attempt = 0; attempt < 2; attempt++) {
            EraProbe.Outcome outcome = probe(c, version, down);
            switch (EraProbe.classify(outcome, stdio, pin == UpstreamConfig.Protocol.AUTO)) {
                case EraProbe.Verdict.Modern m -> {
                    return m;
                }
                case EraProbe.Verdict.Corrective corrective -> version = corrective.version();
                case EraProbe.Verdict.Legacy legacy -> {
                    if (outcome instanceof EraProbe.Outcome.Closed) {
                        probeEndsProcess = true;
                        throw new IOException("the upstream exited on the server/discover probe; it is restarted and spoken to the legacy way");
                    }
                    LOG.info("upstream {} does not speak 2026-07-28 ({}): initializing the legacy way", config.name(), describe(outcome));
                    return null;
                }
                case EraProbe.Verdict.Fail fail -> throw new IOException(fail.why());
            }
        }
        throw new IOException("the upstream named a protocol version in answer to server/discover, then refused it");
    }

    /** One server/discover probe, carrying the gateway's envelope for {@code version}. */
    private EraProbe.Outcome probe(Connection c, String version, CountDownLatch down) throws IOException {
        long id = ids.incrementAndGet();
        ObjectNode request = Message.request(Json.object().numberNode(id), "server/discover", ModernEnvelope.wrap(null, version, null));
        Calls.Pending pending = calls.open(id, io.portcullis.call.Relay.NONE, null);
        try {
            c.send(request, id, ModernEnvelope.headers(request, null));
            JsonNode response = pending.response().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (response.get("error") instanceof ObjectNode err) {
                return new EraProbe.Outcome.RpcError(err.path("code").asInt(0), err.path("message").asString(""), err.get("data"));
            }
            if (response.get("result") instanceof ObjectNode r) {
                return new EraProbe.Outcome.Answered(r);
            }
            return new EraProbe.Outcome.Unreachable("the answer is neither a result object nor an error");
        } catch (TimeoutException e) {
            return new EraProbe.Outcome.TimedOut(timeout.toMillis());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Calls.HttpRefusal r) {
                return new EraProbe.Outcome.HttpError(r.status(), r.body());
            }
            return down.getCount() == 0 ? new EraProbe.Outcome.Closed() : new EraProbe.Outcome.Unreachable(e.getCause().getMessage());
        } catch (IOException e) {
            return down.getCount() == 0 ? new EraProbe.Outcome.Closed() : new EraProbe.Outcome.Unreachable(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } finally {
            calls.close(id, pending);
            c.release(id); // #21 item 2: nothing of the probe's exchange outlives it
        }
    }

    private static String describe(EraProbe.Outcome o) {
        return switch (o) {
            case EraProbe.Outcome.RpcError e -> "server/discover answered " + e.code() + " " + e.message();
            case EraProbe.Outcome.HttpError h -> "server/discover answered HTTP " + h.status();
            case EraProbe.Outcome.TimedOut t -> "no answer to server/discover";
            case EraProbe.Outcome.Answered a -> "its server/discover result offers no version the gateway speaks";
            default -> o.toString();
        };
    }
}

package io.portcullis.cluster;

import io.portcullis.store.Store;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * #19 item 2: this node's place in the cluster. At start it registers in {@link Nodes}; every
 * {@link Nodes#HEARTBEAT} it refreshes its row (and its config hash, which a reload changes) and logs
 * a warning when the live nodes do not all run the same config (once per change of who differs); at
 * close it marks itself stopped. A store that does not answer is logged and tried again at the next
 * heartbeat: membership never stops the node serving.
 */
public final class Membership implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("portcullis.cluster");

    private final Nodes nodes;
    private final String id;
    private final String version;
    private final String address;
    private final Supplier<String> configHash;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private volatile boolean registered;
    private String lastWarning = "";

    private Membership(Store store, String id, String version, String address, Supplier<String> configHash, Clock clock) {
        this.nodes = new Nodes(store);
        this.id = id;
        this.version = version;
        this.address = address;
        this.configHash = configHash;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("membership").unstarted(r));
    }

    /** Registers this node now and starts its heartbeat. */
    public static Membership start(Store store, String id, String version, String address, Supplier<String> configHash, Clock clock) {
        Membership m = new Membership(store, id, version, address, configHash, clock);
        m.beat();
        long every = Nodes.HEARTBEAT.toMillis();
        m.timer.scheduleWithFixedDelay(m::beat, every, every, TimeUnit.MILLISECONDS);
        return m;
    }

    public String id() {
        return id;
    }

    private synchronized void beat() {
        try {
            String hash = configHash.get();
            if (!registered || !nodes.beat(id, hash, clock.instant())) {
                nodes.register(id, version, hash, address, clock.instant());
                if (!registered) {
                    LOG.info("cluster: node {} registered (version {}, config {})", id, version, hash.substring(0, Math.min(12, hash.length())));
                }
                registered = true;
            }
            warnOnDifference(nodes.list(clock.instant()));
        } catch (Exception e) {
            LOG.warn("cluster: node {} could not refresh its membership in the store: {}", id, e.toString());
        }
    }

    private void warnOnDifference(List<Node> all) {
        List<Node> differ = all.stream().filter(Node::configDiffers).toList();
        String warning = differ.isEmpty() ? "" : "cluster: the live nodes do not run the same config: "
                + String.join(", ", all.stream().filter(n -> n.state().equals("up"))
                .map(n -> n.id() + " runs " + n.configHash().substring(0, Math.min(12, n.configHash().length()))
                        + (n.configDiffers() ? " (differs)" : "")).toList())
                + "; see `portcullis nodes`";
        if (!warning.equals(lastWarning)) {
            if (!warning.isEmpty()) {
                LOG.warn(warning);
            } else if (!lastWarning.isEmpty()) {
                LOG.info("cluster: the live nodes run the same config again");
            }
            lastWarning = warning;
        }
    }

    /** Stops the heartbeat and marks this node stopped. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
            nodes.stopped(id, clock.instant());
        } catch (Exception e) {
            LOG.warn("cluster: node {} could not record its stop: {}", id, e.toString());
        }
    }
}

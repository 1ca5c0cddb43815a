package io.portcullis.upstream;

import io.portcullis.call.GatewayException;
import io.portcullis.catalog.Listing;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An upstream's listings, fetched one fetch at a time (split out of {@link Upstream}). */
final class ListingRefresh {
    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class); // the upstream's log, as before the split
    private final Upstream up;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean stale;

    ListingRefresh(Upstream up) {
        this.up = up;
    }

    /**
     * Fetches the listings and keeps them. One fetch at a time: a {@code list_changed} that arrives
     * while another fetch is on its way marks the listing stale, and the refresh fetches again after
     * it, so an older answer can never overwrite a newer one (the handshake's fetch racing the
     * refresh of a server that adds tools right after {@code initialize}, as server-everything does).
     */
    Listing fetch() throws GatewayException {
        lock.lock();
        try {
            stale = false;
            Listing l = Listings.fetch(up::internal, up.capabilities);
            up.listing = l;
            return l;
        } finally {
            lock.unlock();
        }
    }

    void refresh() {
        stale = true;
        try {
            lock.lock();
            try {
                if (!stale) {
                    return; // a fetch that started after the change has it, and tells the listener
                }
                fetch();
            } finally {
                lock.unlock();
            }
            up.listener.listingChanged(up);
        } catch (GatewayException e) {
            LOG.warn("upstream {}: could not refresh listings: {}", up.name(), e.getMessage());
        }
    }
}

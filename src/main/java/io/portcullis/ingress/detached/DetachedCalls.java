package io.portcullis.ingress.detached;

import io.portcullis.call.ClientKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The detached calls that are waiting on their client, by id, with their limits (#12 item 5):
 * at most {@code maxPerOwner} per owner and {@code maxTotal} in all. A call enters when it first
 * needs to outlive its request ({@link #admit}) and leaves when it ends for its adapter
 * ({@link #remove}), when its lifetime timer fires ({@link DetachedCall#expireIn}) or when the
 * adapter says it is gone ({@link #removeIf}); nothing here only grows.
 *
 * @param <T> what an adapter keeps for each call (a task, a pending input round)
 */
public final class DetachedCalls<T> {
    private final Ticker ticker;
    private final int maxPerOwner;
    private final int maxTotal;
    private final Function<T, DetachedCall<?>> callOf;
    private final String what;
    private final Map<String, T> byId = new HashMap<>();
    private final Map<ClientKey, Integer> perOwner = new HashMap<>();

    /**
     * @param what   what the calls are to the client, for the refusals (e.g. "calls awaiting input")
     * @param callOf the detached call of an entry
     */
    public DetachedCalls(Ticker ticker, int maxPerOwner, int maxTotal, String what, Function<T, DetachedCall<?>> callOf) {
        this.ticker = ticker;
        this.what = what;
        this.maxPerOwner = maxPerOwner;
        this.maxTotal = maxTotal;
        this.callOf = callOf;
    }

    public Ticker ticker() {
        return ticker;
    }

    /**
     * Registers {@code entry}'s call under {@code id}, within the limits.
     *
     * @return null when admitted, else why not (the per-owner or the total limit)
     */
    public synchronized String admit(String id, T entry) {
        DetachedCall<?> c = callOf.apply(entry);
        if (c.registry != null) {
            throw new IllegalStateException("call " + c.id + " is already registered");
        }
        if (byId.size() >= maxTotal) {
            return "the gateway already holds " + maxTotal + " " + what;
        }
        int n = perOwner.getOrDefault(c.owner(), 0);
        if (n >= maxPerOwner) {
            return "this caller already has " + maxPerOwner + " " + what + " (the limit)";
        }
        perOwner.put(c.owner(), n + 1);
        byId.put(id, entry);
        c.id = id;
        c.registry = this;
        return null;
    }

    /** Moves a registered call to a new id: the old id names nothing any more (a state is used once). */
    public synchronized void rekey(T entry, String newId) {
        DetachedCall<?> c = callOf.apply(entry);
        if (c.registry != this || !byId.remove(c.id, entry)) {
            throw new IllegalStateException("call is not registered here");
        }
        byId.put(newId, entry);
        c.id = newId;
    }

    /** The entry registered under {@code id}, whoever owns it (for adapters that check ownership themselves). */
    public synchronized Optional<T> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The entry under {@code id} if {@code owner} owns it: another owner's call is unknown to it. */
    public synchronized Optional<T> find(String id, ClientKey owner) {
        T e = byId.get(id);
        return e != null && !owner.none() && callOf.apply(e).owner().equals(owner) ? Optional.of(e) : Optional.empty();
    }

    /** The owner's entries, oldest first. */
    public synchronized List<T> owned(ClientKey owner) {
        List<T> mine = new ArrayList<>();
        for (T e : byId.values()) {
            if (callOf.apply(e).owner().equals(owner)) {
                mine.add(e);
            }
        }
        mine.sort(java.util.Comparator.comparing(e -> callOf.apply(e).created()));
        return mine;
    }

    /** Takes the call out (its slot is free again); false when it was not registered here. */
    public boolean remove(DetachedCall<?> c) {
        synchronized (this) {
            if (c.registry != this || c.id == null || byId.remove(c.id) == null) {
                return false;
            }
            c.registry = null;
            perOwner.computeIfPresent(c.owner(), (k, n) -> n <= 1 ? null : n - 1);
        }
        c.disarm();
        return true;
    }

    /** Removes every entry {@code gone} says is gone (e.g. its session closed). */
    public void removeIf(java.util.function.Predicate<T> gone) {
        List<T> all;
        synchronized (this) {
            all = List.copyOf(byId.values());
        }
        all.stream().filter(gone).forEach(e -> remove(callOf.apply(e)));
    }

    public synchronized int size() {
        return byId.size();
    }

    /** How many calls {@code owner} holds. */
    public synchronized int count(ClientKey owner) {
        return perOwner.getOrDefault(owner, 0);
    }
}

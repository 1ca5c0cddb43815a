package io.portcullis.ingress.detached;

import io.portcullis.call.ClientKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A call that may outlive the HTTP request that made it (#12 item 5): the one mechanism under
 * 2026-07-28 input rounds ({@code InputRounds}) and 2025-11-25 gateway tasks ({@code TaskCalls}).
 *
 * <p>The call runs once, on its own virtual thread ({@link #start}). A request thread waits in
 * {@link #await()} for the one race that matters: the call <em>finished</em> (its result is the
 * answer) or it raised an <em>interim</em> ({@link #interim()}: it needs the client's input, or
 * it became a task), after which the request is answered at once and the call goes on. A
 * finished call always wins over an interim raised before the waiter looked.
 *
 * <p>Lifetime is bounded: {@link #expireIn} arms a timer on the {@link Ticker} (re-arming
 * replaces it); when it fires a still-running call is {@link State#EXPIRED} (its cancel hooks
 * run) and, in every state, the call leaves its {@link DetachedCalls registry}. {@link #cancel}
 * ends a running call with a given result and runs the cancel hooks once. A terminal state never
 * changes again: the call's own late end is ignored.
 *
 * @param <R> what the call produces
 */
public final class DetachedCall<R> {
    private static final Logger LOG = LoggerFactory.getLogger(DetachedCall.class);

    public enum State { RUNNING, DONE, CANCELLED, EXPIRED }

    /** What a waiting request learns. */
    public sealed interface Event<R> {
        /** The call ended (finished, or cancelled with its cancellation result). */
        record Finished<R>(R result) implements Event<R> {}

        /** The call needs its request answered now (input wanted, task opened) and goes on. */
        record Interim<R>() implements Event<R> {}

        /** The call expired before it finished: there is no result. */
        record Expired<R>() implements Event<R> {}
    }

    private final ClientKey owner;
    private final Ticker ticker;
    private final Instant created;
    private final CompletableFuture<R> outcome = new CompletableFuture<>();
    private final List<Runnable> cancelHooks = new ArrayList<>();
    private final List<Runnable> endHooks = new ArrayList<>();
    private State state = State.RUNNING;
    private R result;
    private boolean interim;
    private Ticker.Timer expiry;
    /** Bumped by every arm and disarm: a timer that fires for an older arming does nothing. */
    private long generation;
    private Runnable onExpire = () -> { };
    /** Set by the registry while the call is in it. */
    volatile DetachedCalls<?> registry;
    volatile String id;

    public DetachedCall(ClientKey owner, Ticker ticker) {
        this.owner = owner;
        this.ticker = ticker;
        this.created = ticker.now();
    }

    /**
     * Runs {@code body} on a new virtual thread; its value finishes the call. A body that throws
     * finishes it with {@code crash}'s answer for the exception (a call never hangs its waiters).
     */
    public DetachedCall<R> start(String threadName, Supplier<R> body, Function<RuntimeException, R> crash) {
        Thread.ofVirtual().name(threadName).start(() -> {
            R r;
            try {
                r = body.get();
            } catch (RuntimeException e) {
                LOG.error("internal error in detached call {}", threadName, e);
                r = crash.apply(e);
            }
            finish(r);
        });
        return this;
    }

    /**
     * The call's end. Ignored once terminal (a cancelled or expired call keeps that state).
     *
     * @return whether this result became the call's
     */
    public boolean finish(R r) {
        List<Runnable> hooks;
        synchronized (this) {
            if (state != State.RUNNING) {
                return false;
            }
            state = State.DONE;
            result = r;
            hooks = List.copyOf(endHooks);
            notifyAll();
        }
        outcome.complete(r);
        hooks.forEach(Runnable::run);
        return true;
    }

    /** Raised by the call (on its own thread): the request waiting in {@link #await()} is to be answered now. */
    public synchronized void interim() {
        interim = true;
        notifyAll();
    }

    /**
     * Waits until the call finished, raised an interim, or ended otherwise. An interim is
     * consumed by the waiter it wakes; a finished call wins over a pending interim.
     */
    public Event<R> await() throws InterruptedException {
        synchronized (this) {
            while (state == State.RUNNING && !interim) {
                wait();
            }
            return switch (state) {
                case DONE, CANCELLED -> new Event.Finished<>(result);
                case EXPIRED -> new Event.Expired<>();
                case RUNNING -> {
                    interim = false;
                    yield new Event.Interim<>();
                }
            };
        }
    }

    /**
     * Cancels a running call: {@code cancelled} becomes its result, the cancel hooks run.
     *
     * @return false when the call was already terminal (nothing changed)
     */
    public boolean cancel(R cancelled) {
        List<Runnable> hooks;
        List<Runnable> ends;
        synchronized (this) {
            if (state != State.RUNNING) {
                return false;
            }
            state = State.CANCELLED;
            result = cancelled;
            hooks = List.copyOf(cancelHooks);
            ends = List.copyOf(endHooks);
            notifyAll();
        }
        outcome.complete(cancelled);
        hooks.forEach(Runnable::run);
        ends.forEach(Runnable::run);
        return true;
    }

    /** How to stop the call's work (its approval wait, its upstream request); runs at once if the call was already stopped. */
    public void onCancel(Runnable hook) {
        synchronized (this) {
            if (state == State.RUNNING || state == State.DONE) {
                cancelHooks.add(hook);
                return;
            }
        }
        hook.run();
    }

    /** Runs once the call is DONE or CANCELLED (at once if it already is). */
    public void onEnd(Runnable hook) {
        synchronized (this) {
            if (state == State.RUNNING) {
                endHooks.add(hook);
                return;
            }
            if (state == State.EXPIRED) {
                return;
            }
        }
        hook.run();
    }

    /**
     * Arms (or re-arms) the lifetime: once {@code after} has passed on the ticker, a still
     * running call expires ({@code whenExpired} then its cancel hooks run) and the call leaves
     * its registry.
     */
    public void expireIn(Duration after, Runnable whenExpired) {
        synchronized (this) {
            if (expiry != null) {
                expiry.cancel();
            }
            onExpire = whenExpired;
            long armed = ++generation;
            expiry = ticker.schedule(after, () -> expire(armed));
        }
    }

    /**
     * Disarms the lifetime timer (a client came back in time).
     *
     * @return true when an armed timer was stopped before it fired; false when none was armed
     *         (or it fired already: the call expired, and a claim must fail)
     */
    public synchronized boolean disarm() {
        generation++;
        if (expiry == null) {
            return false;
        }
        expiry.cancel();
        expiry = null;
        return true;
    }

    private void expire(long armed) {
        List<Runnable> hooks = List.of();
        Runnable why;
        synchronized (this) {
            if (armed != generation) {
                return; // disarmed or re-armed since: this timer is stale
            }
            expiry = null;
            why = onExpire;
            if (state == State.RUNNING) {
                state = State.EXPIRED;
                hooks = List.copyOf(cancelHooks);
                notifyAll();
            } else {
                why = () -> { };
            }
        }
        why.run();
        hooks.forEach(Runnable::run);
        DetachedCalls<?> r = registry;
        if (r != null) {
            r.remove(this);
        }
    }

    public synchronized State state() {
        return state;
    }

    /** The result once DONE or CANCELLED, else null. */
    public synchronized R result() {
        return result;
    }

    /** Completes with the result when the call is DONE or CANCELLED (never when it expired). */
    public CompletableFuture<R> outcome() {
        return outcome;
    }

    public ClientKey owner() {
        return owner;
    }

    public Instant created() {
        return created;
    }

    /** The id the call is registered under, or null while it is in no registry. */
    public String id() {
        return id;
    }

    public Ticker ticker() {
        return ticker;
    }
}

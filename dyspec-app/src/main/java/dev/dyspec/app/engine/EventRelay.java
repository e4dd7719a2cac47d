package dev.dyspec.app.engine;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries the engine thread's events to the response streams on a thread of its own, so neither model
 * work waits on response building nor response building on model work. The engine emits a burst per step,
 * one event per running stream; handing each to a Reactor scheduler woke a worker per event, and a wake-up
 * is a system call after which the woken thread often takes the waker's core (8 streams, 2 cores: 11% of
 * the engine thread's wall time). Here the first event of a burst wakes the relay, which then stays up for
 * {@link #LINGER_NANOS} (yielding its core) while the rest queue. One queue and one thread: a stream's events
 * arrive in the order they were emitted.
 */
final class EventRelay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventRelay.class);

    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private final Thread thread;
    private volatile boolean closed;

    EventRelay(String name) {
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs {@code delivery} on the relay thread after everything relayed before it; once closed, right here. */
    void relay(Runnable delivery) {
        if (closed) {
            deliver(delivery); // shutting down: the engine's last words (errors to every stream) still arrive
            return;
        }
        queue.add(delivery);
        if (sleeping.compareAndSet(true, false)) {
            LockSupport.unpark(thread);
        }
        if (closed && !thread.isAlive()) { // closed since the check above, after the thread's last look
            for (Runnable next; (next = queue.poll()) != null; ) {
                deliver(next);
            }
        }
    }

    private void run() {
        while (true) {
            for (Runnable next; (next = queue.poll()) != null; ) {
                deliver(next);
            }
            if (closed) {
                return;
            }
            if (awaitBurst()) {
                continue;
            }
            sleeping.set(true);
            // an event queued after the poll above either is seen here or finds sleeping set and wakes us
            if (queue.isEmpty() && !closed) {
                LockSupport.park(this);
            }
            sleeping.set(false);
        }
    }

    /**
     * Waits up to {@link #LINGER_NANOS} for more events, yielding the core meanwhile: woken by a step's first
     * event, the relay took the engine's core, delivered that one event and slept again before the engine
     * emitted the next, so every event still cost a wake-up.
     *
     * @return whether an event arrived
     */
    private boolean awaitBurst() {
        long since = System.nanoTime();
        while (queue.isEmpty()) {
            if (closed || System.nanoTime() - since > LINGER_NANOS) {
                return false;
            }
            Thread.yield();
        }
        return true;
    }

    /** How long the relay waits for the rest of a step's events: a step emits them all within tens of µs. */
    static final long LINGER_NANOS = 200_000;

    private static void deliver(Runnable delivery) {
        try {
            delivery.run();
        } catch (RuntimeException | Error e) {
            log.warn("delivering a generation's event failed", e);
        }
    }

    /** Delivers what is queued, then stops the thread; later events are delivered on the caller's thread. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Runnable next; (next = queue.poll()) != null; ) {
            deliver(next);
        }
    }
}

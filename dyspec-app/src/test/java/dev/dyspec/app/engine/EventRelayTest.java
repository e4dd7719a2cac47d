package dev.dyspec.app.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class EventRelayTest {

    /** Bursts like an engine's steps, with pauses longer than the relay lingers, so it sleeps in between. */
    @Test
    void everyEventArrivesOnceInTheOrderItWasRelayedAcrossBurstsAndSleeps() throws Exception {
        List<Integer> delivered = Collections.synchronizedList(new ArrayList<>());
        try (EventRelay relay = new EventRelay("test-relay")) {
            int next = 0;
            for (int burst = 0; burst < 20; burst++) {
                for (int i = 0; i < 16; i++) {
                    int event = next++;
                    relay.relay(() -> delivered.add(event));
                }
                if (burst % 4 == 0) {
                    TimeUnit.NANOSECONDS.sleep(3 * EventRelay.LINGER_NANOS);
                }
            }
            CountDownLatch done = new CountDownLatch(1);
            relay.relay(done::countDown);
            assertTrue(done.await(5, TimeUnit.SECONDS), "the relay stopped delivering");
            assertEquals(320, delivered.size());
            for (int i = 0; i < delivered.size(); i++) {
                assertEquals(i, delivered.get(i), "event " + i);
            }
        }
    }

    @Test
    void eventsAreDeliveredOffTheEmittingThread() throws Exception {
        AtomicReference<Thread> deliveredOn = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        try (EventRelay relay = new EventRelay("test-relay")) {
            relay.relay(() -> {
                deliveredOn.set(Thread.currentThread());
                done.countDown();
            });
            assertTrue(done.await(5, TimeUnit.SECONDS));
        }
        assertNotEquals(Thread.currentThread(), deliveredOn.get());
        assertEquals("test-relay", deliveredOn.get().getName());
    }

    @Test
    void aDeliveryThatThrowsDoesNotStopTheOnesAfterIt() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        try (EventRelay relay = new EventRelay("test-relay")) {
            relay.relay(() -> {
                throw new IllegalStateException("a subscriber's bug");
            });
            relay.relay(done::countDown);
            assertTrue(done.await(5, TimeUnit.SECONDS), "the relay died with the failing delivery");
        }
    }

    /** At shutdown the engine answers its running generations after the relay closed: those answers still arrive. */
    @Test
    void closingDeliversWhatIsQueuedAndLaterEventsOnTheCallersThread() {
        List<String> delivered = Collections.synchronizedList(new ArrayList<>());
        EventRelay relay = new EventRelay("test-relay");
        for (int i = 0; i < 100; i++) {
            int event = i;
            relay.relay(() -> delivered.add("queued " + event));
        }
        relay.close();
        assertEquals(100, delivered.size());
        AtomicReference<Thread> deliveredOn = new AtomicReference<>();
        relay.relay(() -> {
            deliveredOn.set(Thread.currentThread());
            delivered.add("after close");
        });
        assertEquals("after close", delivered.get(100));
        assertEquals(Thread.currentThread(), deliveredOn.get());
    }
}

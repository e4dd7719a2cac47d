package dev.dyspec.core.model;

/**
 * libtorch's thread pools, sized before the engine starts. libtorch counts the host's cores, not the
 * container's CPU quota, and its idle threads spin: a pod limited to 2 CPUs on a 64-core node would run
 * 64 spinning threads, and two engines on shared cores slow each other down by an order of magnitude.
 * The JVM's {@code availableProcessors()} honours cgroup quotas; the intra-op pool gets half of them
 * (at least one) and the inter-op pool one thread, as dyspec runs one model operation at a time per
 * engine. Measured on 2 cores, 16-token forward of the shipped target, alone → beside a second engine:
 * libtorch's default (2 + 2 threads) 9.3 → 142.8 ms, 2 + 1 threads 11.1 → 55.2 ms, 1 + 1 threads
 * 9.9 → 10.5 ms. Explicit {@code ai.djl.pytorch.num_threads} / {@code num_interop_threads} settings win
 * (a large model on dedicated cores wants them all).
 */
public final class TorchThreads {

    static final String INTRA = "ai.djl.pytorch.num_threads";
    static final String INTER = "ai.djl.pytorch.num_interop_threads";

    private TorchThreads() {
    }

    /** Sets the thread properties unless given; call before anything loads the engine. */
    public static void configure() {
        if (System.getProperty(INTRA) == null) {
            System.setProperty(INTRA, Integer.toString(Math.max(1, Runtime.getRuntime().availableProcessors() / 2)));
        }
        if (System.getProperty(INTER) == null) {
            System.setProperty(INTER, "1");
        }
    }

    /**
     * A warning when other work already keeps the host's processors busy (load average at or above their
     * number): libtorch's spinning threads then slow down by an order of magnitude or more.
     */
    public static java.util.Optional<String> busyHostWarning() {
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        int processors = Runtime.getRuntime().availableProcessors();
        if (load < processors) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(String.format(java.util.Locale.ROOT, "the host is busy (load average %.1f on %d "
                + "processors): model forwards slow down sharply beside other busy processes; give this process "
                + "dedicated CPUs or lower %s (now %s)", load, processors, INTRA, System.getProperty(INTRA, "default")));
    }
}

package dev.dyspec.core.model;

/**
 * libtorch's thread pools, sized before the engine starts. libtorch counts the host's cores, not the
 * container's CPU quota, and its idle threads spin: a pod limited to 2 CPUs on a 64-core node would run
 * 64 spinning threads. The JVM's {@code availableProcessors()} honours cgroup quotas, so the intra-op
 * pool follows it; the inter-op pool gets one thread, as dyspec runs one model operation at a time per
 * engine. Explicit {@code ai.djl.pytorch.num_threads} / {@code num_interop_threads} settings win.
 */
public final class TorchThreads {

    static final String INTRA = "ai.djl.pytorch.num_threads";
    static final String INTER = "ai.djl.pytorch.num_interop_threads";

    private TorchThreads() {
    }

    /** Sets the thread properties unless given; call before anything loads the engine. */
    public static void configure() {
        if (System.getProperty(INTRA) == null) {
            System.setProperty(INTRA, Integer.toString(Math.max(1, Runtime.getRuntime().availableProcessors())));
        }
        if (System.getProperty(INTER) == null) {
            System.setProperty(INTER, "1");
        }
    }
}

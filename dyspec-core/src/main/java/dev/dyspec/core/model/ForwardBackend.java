package dev.dyspec.core.model;

import ai.djl.Device;
import java.util.Locale;

/** Which {@link ForwardKernel} computes a model's forward. */
public enum ForwardBackend {
    /** Plain Java on the JDK's vector API: CPUs; needs {@code --add-modules jdk.incubator.vector}. */
    JAVA,
    /** DJL's PyTorch engine: any device it has, GPUs included. */
    TORCH;

    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    /** Whether this JVM was started with the vector API ({@code --add-modules jdk.incubator.vector}). */
    public static boolean javaAvailable() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /** The faster kernel that can run on the device: Java on a CPU when the vector API is there, else torch. */
    public static ForwardBackend defaultFor(Device device) {
        return Device.Type.CPU.equals(device.getDeviceType()) && javaAvailable() ? JAVA : TORCH;
    }

    /**
     * A configured name: {@code auto} (or empty) picks {@link #defaultFor}; {@code java} fails clearly where
     * it cannot run.
     */
    public static ForwardBackend parse(String name, Device device) {
        String n = name == null ? "auto" : name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "", "auto":
                return defaultFor(device);
            case "torch":
                return TORCH;
            case "java":
                if (!Device.Type.CPU.equals(device.getDeviceType())) {
                    throw new IllegalArgumentException("forward backend 'java' runs on the CPU only; device is " + device);
                }
                if (!javaAvailable()) {
                    throw new IllegalArgumentException("forward backend 'java' needs the JVM option --add-modules "
                            + VECTOR_MODULE + " (the ./dyspec launcher and the image set it)");
                }
                return JAVA;
            default:
                throw new IllegalArgumentException("unknown forward backend '" + name + "'; use auto, java or torch");
        }
    }
}

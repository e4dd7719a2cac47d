package dev.dyspec.core.model;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Maps a configured device name (cpu, gpu, gpu:1, cuda:0) to a DJL device that exists here. */
public final class DeviceSelector {

    private DeviceSelector() {
    }

    public static Device select(String name) {
        String n = name == null ? "cpu" : name.trim().toLowerCase(java.util.Locale.ROOT);
        if (n.isEmpty() || n.equals("cpu")) {
            return Device.cpu();
        }
        if (!n.matches("(gpu|cuda)(:\\d+)?")) {
            throw new IllegalArgumentException("unknown device '" + name + "'; use cpu, gpu or gpu:N");
        }
        int index = n.contains(":") ? Integer.parseInt(n.substring(n.indexOf(':') + 1)) : 0;
        int available = Engine.getEngine("PyTorch").getGpuCount();
        if (index >= available) {
            throw new IllegalArgumentException("device '" + name + "' requested but DJL's PyTorch engine sees " + available
                    + " GPU(s); this build bundles the CPU natives (pytorch-native-cpu); put a CUDA build of"
                    + " pytorch-native on the classpath to use a GPU");
        }
        return Device.gpu(index);
    }
}

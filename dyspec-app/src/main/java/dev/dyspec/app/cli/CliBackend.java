package dev.dyspec.app.cli;

import ai.djl.Device;
import dev.dyspec.core.model.ForwardBackend;

/** The {@code --backend auto|java|torch} option of the commands that load models. */
final class CliBackend {

    private CliBackend() {
    }

    static ForwardBackend of(CliArgs a, Device device) {
        try {
            return ForwardBackend.parse(a.get("backend", "auto"), device);
        } catch (IllegalArgumentException e) {
            throw new CliException("--backend: " + e.getMessage());
        }
    }
}

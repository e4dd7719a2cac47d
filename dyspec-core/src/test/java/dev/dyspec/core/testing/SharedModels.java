package dev.dyspec.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the real checkpoints in the shared data folder beside the project. */
public final class SharedModels {

    private SharedModels() {
    }

    public static Path root() {
        String configured = System.getProperty("dyspec.shared");
        Path p = configured != null ? Path.of(configured) : Path.of("../../shared");
        if (!Files.isDirectory(p.resolve("models"))) {
            // running from a module directory without Maven's property
            p = Path.of("../../shared");
        }
        return p.toAbsolutePath().normalize();
    }

    public static Path hf(String name) {
        return root().resolve("models").resolve(name);
    }

    public static Path llama2c(String name) {
        return root().resolve("models").resolve(name).resolve("llama2c").resolve(name + ".bin");
    }
}

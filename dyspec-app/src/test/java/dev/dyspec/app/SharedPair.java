package dev.dyspec.app;

import dev.dyspec.app.engine.ModelService;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.test.context.DynamicPropertyRegistry;

/** The shared TinyStories pair as the service's models, and a wait for them to load. */
public final class SharedPair {

    private SharedPair() {
    }

    public static Path model(String name) {
        String configured = System.getProperty("dyspec.shared");
        Path root = configured != null && Files.isDirectory(Path.of(configured)) ? Path.of(configured) : Path.of("../../shared");
        return root.resolve("models").resolve(name).toAbsolutePath().normalize();
    }

    public static void register(DynamicPropertyRegistry registry) {
        registry.add("dyspec.models.target", () -> model("stories260K").toString());
        registry.add("dyspec.models.draft", () -> model("llama2xs").toString());
    }

    public static void awaitLoaded(ModelService models) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (models.state() == ModelService.State.LOADING && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
    }
}

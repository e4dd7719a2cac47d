package dev.dyspec.app;

import dev.dyspec.app.engine.ModelService;
import dev.dyspec.core.testing.SharedModels;
import java.nio.file.Path;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The shipped default pair (in the repository, so every clone has it) as the service's models, and a
 * wait for them to load.
 */
public final class ShippedPair {

    public static final String TARGET = "dyspec-target";
    public static final String DRAFT = "dyspec-draft";

    private ShippedPair() {
    }

    public static Path target() {
        return SharedModels.shipped(TARGET);
    }

    public static Path draft() {
        return SharedModels.shipped(DRAFT);
    }

    public static void register(DynamicPropertyRegistry registry) {
        registry.add("dyspec.models.target", () -> target().toString());
        registry.add("dyspec.models.draft", () -> draft().toString());
    }

    public static void awaitLoaded(ModelService models) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (models.state() == ModelService.State.LOADING && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
    }
}

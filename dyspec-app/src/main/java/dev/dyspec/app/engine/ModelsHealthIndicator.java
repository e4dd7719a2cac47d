package dev.dyspec.app.engine;

import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** {@code models} health: UP once loaded, DOWN while loading or with the reason loading failed. */
@Component("models")
public class ModelsHealthIndicator implements HealthIndicator {

    private final ModelService models;

    public ModelsHealthIndicator(ModelService models) {
        this.models = models;
    }

    @Override
    public Health health() {
        return switch (models.state()) {
            case READY -> {
                Health.Builder up = Health.up().withDetail("model", models.modelName())
                        .withDetail("queueDepth", models.engine().queueDepth())
                        .withDetail("activeGenerations", models.engine().activeGenerations());
                models.warmUp().ifPresent(w -> up.withDetail("warmUp", Map.of("generations", w.generations(),
                        "failed", w.failed(), "tokens", w.tokens(), "millis", w.took().toMillis())));
                yield up.build();
            }
            case LOADING -> Health.down().withDetail("reason", "models are loading").build();
            case FAILED -> Health.down().withDetail("reason", models.failure().orElse("unknown")).build();
        };
    }
}

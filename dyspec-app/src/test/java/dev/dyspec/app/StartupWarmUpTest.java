package dev.dyspec.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyspec.api.TreeStrategy;
import dev.dyspec.app.engine.StartupWarmUp;
import dev.dyspec.app.engine.StrategyRegistry;
import dev.dyspec.core.decode.GenerationRequest;
import dev.dyspec.core.decode.SpeculativeDecoder;
import dev.dyspec.core.engine.EngineWarmUp;
import dev.dyspec.strategies.AcceptanceModel;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Before readiness the engine generates with every strategy it serves, so the first requests find the step's
 * code compiled; the warm-up teaches the acceptance curve nothing and shows in the models' health.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "dyspec.models.warm-up=1s")
@AutoConfigureWebTestClient
class StartupWarmUpTest extends ShippedPairServiceTest {

    @Autowired
    AcceptanceModel acceptance;

    @Autowired
    StartupWarmUp warmUp;

    @Autowired
    StrategyRegistry strategies;

    @Test
    void everyStrategyWarmsUpBeforeReadinessWithoutTeachingTheCurve() {
        EngineWarmUp.Report report = models.warmUp().orElseThrow();
        List<GenerationRequest> round = warmUp.requests(models.engine().decoder());
        // every built-in strategy at T = 0 and 1, the default (dyspec-ngram) adaptive as well
        assertThat(round).hasSize(2 * (strategies.names().size() + 1));
        assertThat(report.generations()).isGreaterThanOrEqualTo(round.size());
        assertThat(report.failed()).as(report.failures().toString()).isZero();
        assertThat(report.tokens()).isPositive();
        for (AcceptanceModel.Band band : AcceptanceModel.Band.values()) {
            assertThat(acceptance.observations(band)).as(band.name()).isZero();
        }
        JsonNode health = json.readTree(management().get().uri("/actuator/health/models").exchange()
                .expectStatus().isOk().expectBody().returnResult().getResponseBody());
        assertThat(health.at("/details/warmUp/generations").asInt()).isEqualTo(report.generations());
        assertThat(health.at("/details/warmUp/failed").asInt()).isZero();
    }

    @Test
    void aServerWithoutADraftWarmsOnlyWhatItCanServe() {
        SpeculativeDecoder targetAlone = new SpeculativeDecoder(models.engine().decoder().target(), null, 64);
        Set<String> warmed = warmUp.requests(targetAlone).stream().map(r -> r.strategy().name()).collect(Collectors.toSet());
        Set<String> draftFree = strategies.names().stream().map(strategies::get).filter(s -> !s.usesDraft())
                .map(TreeStrategy::name).collect(Collectors.toSet());
        assertThat(warmed).isEqualTo(draftFree).contains("target-only");
    }
}

package dev.dyspec.app;

import dev.dyspec.api.DraftHandle;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TokenTree;
import dev.dyspec.api.TreeStrategy;
import dev.dyspec.strategies.ChainStrategy;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;

/** A TreeStrategy bean from the user's own configuration becomes selectable by its name. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "dyspec.default-strategy=short-chain")
@AutoConfigureWebTestClient
@Import(CustomStrategyBeanTest.UserStrategies.class)
class CustomStrategyBeanTest extends ShippedPairServiceTest {

    @TestConfiguration
    static class UserStrategies {
        @Bean
        TreeStrategy shortChain() {
            return new TreeStrategy() {
                private final ChainStrategy chain = new ChainStrategy();

                @Override
                public String name() {
                    return "short-chain";
                }

                @Override
                public void validate(StrategyOptions options, int maxBudget) {
                }

                @Override
                public TokenTree grow(DraftHandle draft, int rootToken, StrategyOptions options, SamplingParams params,
                                      RandomGenerator random) {
                    return chain.grow(draft, rootToken, options.withBudget(2), params, random);
                }
            };
        }
    }


    @Test
    void userStrategyIsSelectableAndCanBeTheDefault() {
        web.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"prompt\": \"Once\", \"max_tokens\": 10, \"dyspec\": {\"strategy\": \"short-chain\"}}")
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.speculative.strategy").isEqualTo("short-chain");
        web.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"prompt\": \"Once\", \"max_tokens\": 10}")
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.speculative.strategy").isEqualTo("short-chain");
        web.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"prompt\": \"Once\", \"dyspec\": {\"strategy\": \"nope\"}}")
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.message").value(m -> org.assertj.core.api.Assertions.assertThat((String) m)
                        .contains("short-chain", "dyspec", "target-only"));
    }
}

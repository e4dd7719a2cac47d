package dev.dyspec.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

/** {@code limits.reuse-prefixes: false} reaches the engine: a repeated prompt is prefilled again. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "dyspec.limits.reuse-prefixes=false")
@AutoConfigureWebTestClient
class PrefixReuseSwitchTest extends ShippedPairServiceTest {

    @Test
    void withReuseSwitchedOffARepeatedPromptReportsNoCachedTokens() {
        String body = """
                {"prompt": "Lily and her mom went to the park. They saw a big dog", "max_tokens": 8, "temperature": 0}
                """;
        for (int i = 0; i < 2; i++) {
            byte[] bytes = web.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                    .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody();
            JsonNode r = json.readTree(bytes);
            assertThat(r.at("/usage/prompt_tokens").asInt()).isGreaterThan(10);
            assertThat(r.at("/usage/prompt_tokens_details/cached_tokens").asInt()).isZero();
        }
        assertThat(models.engine().decoder().prefixReuse().entries()).isZero();
    }
}

package dev.dyspec.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.json.JsonMapper;

/** The start-up's sample bodies are read by the service's own mapper as full requests of each kind. */
@SpringBootTest(properties = {"dyspec.models.target=/no/such/model", "dyspec.models.draft="})
class WireWarmUpTest {

    @Autowired
    JsonMapper json;

    @Test
    void theSamplesAreFullRequestsTheServiceReads() {
        new WireWarmUp(json).warm();
        CompletionRequest completion = json.readValue(WireWarmUp.COMPLETION, CompletionRequest.class);
        assertThat(completion.dyspec().draftTemperature()).isEqualTo(0.6);
        assertThat(completion.logitBias()).containsKey("5");
        assertThat(completion.streamOptions()).isNotNull();
        ChatRequest chat = json.readValue(WireWarmUp.CHAT, ChatRequest.class);
        assertThat(chat.messages()).hasSize(3);
        assertThat(chat.maxCompletionTokens()).isEqualTo(8);
        assertThat(chat.dyspec().strategy()).isEqualTo("chain");
    }
}

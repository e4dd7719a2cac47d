package dev.dyspec.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiChatResponseMetadata;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;

/**
 * Real clients, not our own fixtures: LangChain4j's OpenAI module (Maven Central) and the official
 * {@code openai} Node SDK (npm) each run a chat with max_completion_tokens, a streamed chat with
 * logprobs, and get a 400 for tools, against the real server on the shipped pair.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class OfficialSdkClientsTest extends ShippedPairServiceTest {

    /** Set by CI, which installs the Node SDK: a missing SDK fails instead of skipping. */
    static final String REQUIRE_PROPERTY = "dyspec.requireSdks";

    @LocalServerPort
    int port;

    private String baseUrl() {
        return "http://localhost:" + port + "/v1";
    }

    @Test
    void langChain4jChatHonoursMaxCompletionTokens() {
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(baseUrl()).apiKey("unused").modelName(models.modelName())
                .maxCompletionTokens(3).temperature(0.0).timeout(Duration.ofSeconds(60)).maxRetries(0).build();
        ChatResponse r = model.chat(ChatRequest.builder().messages(UserMessage.from("And God said")).build());
        assertThat(r.tokenUsage().outputTokenCount()).isBetween(1, 3);
        assertThat(r.aiMessage().text()).isNotEmpty();
        assertThat(((OpenAiChatResponseMetadata) r.metadata()).systemFingerprint()).isNotBlank();
    }

    @Test
    void langChain4jStreamedChatGetsTheLogprobsOfEveryToken() throws Exception {
        OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder().baseUrl(baseUrl()).apiKey("unused")
                .modelName(models.modelName()).timeout(Duration.ofSeconds(60)).build();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        StringBuilder partial = new StringBuilder();
        model.chat(ChatRequest.builder().messages(UserMessage.from("And God said"))
                .parameters(OpenAiChatRequestParameters.builder().maxCompletionTokens(12).logprobs(true).topLogprobs(2).build())
                .build(), new StreamingChatResponseHandler() {
                    @Override
                    public void onPartialResponse(String text) {
                        partial.append(text);
                    }

                    @Override
                    public void onCompleteResponse(ChatResponse response) {
                        done.complete(response);
                    }

                    @Override
                    public void onError(Throwable error) {
                        done.completeExceptionally(error);
                    }
                });
        ChatResponse r = done.get(60, TimeUnit.SECONDS);
        var logprobs = ((OpenAiChatResponseMetadata) r.metadata()).logProbs();
        assertThat(logprobs).hasSize(r.tokenUsage().outputTokenCount());
        assertThat(logprobs).allSatisfy(lp -> {
            assertThat(lp.logprob()).isLessThanOrEqualTo(0.0);
            assertThat(lp.topLogprobs()).hasSize(2);
        });
        StringBuilder spelled = new StringBuilder();
        logprobs.forEach(lp -> spelled.append(lp.token()));
        assertThat(spelled.toString()).startsWith(partial.toString());
    }

    @Test
    void langChain4jToolsOnAModelWithoutAToolCallFormatGetA400() {
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(baseUrl()).apiKey("unused").modelName(models.modelName())
                .maxCompletionTokens(3).timeout(Duration.ofSeconds(60)).maxRetries(0).build();
        ChatRequest withTools = ChatRequest.builder().messages(UserMessage.from("Weather?"))
                .toolSpecifications(ToolSpecification.builder().name("weather").description("today's weather").build())
                .build();
        assertThatThrownBy(() -> model.chat(withTools)).hasMessageContaining("tool calls are not supported");
    }

    @Test
    void theOfficialOpenAiNodeSdkRunsItsChecks() throws Exception {
        Path dir = Path.of(System.getProperty("dyspec.root", "..")).resolve("dyspec-app/src/test/sdk/node");
        if (!Files.isDirectory(dir.resolve("node_modules/openai")) || !nodeAvailable()) {
            String message = "needs node and the openai package: npm ci --prefix " + dir;
            if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
                throw new AssertionError(message + " (" + REQUIRE_PROPERTY + " is set)");
            }
            System.err.println("[dyspec] skipped: " + message);
            Assumptions.abort(message);
        }
        Process p = new ProcessBuilder("node", "check.mjs", baseUrl()).directory(dir.toFile()).redirectErrorStream(true).start();
        boolean exited = p.waitFor(120, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!exited) {
            p.destroyForcibly();
        }
        assertThat(exited).as("node check finished").isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("ok models.retrieve", "ok max_completion_tokens", "ok usage.prompt_tokens_details.cached_tokens",
                "ok streamed logprobs", "ok tools refused");
    }

    private static boolean nodeAvailable() {
        try {
            return new ProcessBuilder("node", "--version").start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}

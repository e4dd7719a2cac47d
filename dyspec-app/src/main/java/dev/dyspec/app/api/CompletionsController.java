package dev.dyspec.app.api;

import dev.dyspec.app.engine.GenerationEvent;
import dev.dyspec.app.engine.GenerationService;
import dev.dyspec.app.engine.ModelService;
import dev.dyspec.app.engine.PlannedGeneration;
import dev.dyspec.core.decode.SpeculativeDecoder;
import dev.dyspec.core.model.LanguageModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAI-compatible endpoints. A request flows: parse → {@link RequestPlanner} (validation,
 * strategy or experiment arm) → {@link GenerationService} (shared engine) → JSON or SSE chunks.
 */
@RestController
public class CompletionsController {

    private final ModelService models;
    private final RequestPlanner planner;
    private final GenerationService generations;
    private final ChatPromptRenderer chatRenderer = new ChatPromptRenderer();
    private final JsonMapper json;

    public CompletionsController(ModelService models, RequestPlanner planner, GenerationService generations,
                                 JsonMapper json) {
        this.models = models;
        this.planner = planner;
        this.generations = generations;
        this.json = json;
    }

    @GetMapping("/v1/models")
    public Map<String, Object> listModels() {
        models.engine();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("id", models.modelName());
        model.put("object", "model");
        model.put("created", 0);
        model.put("owned_by", "dyspec");
        return Map.of("object", "list", "data", List.of(model));
    }

    @PostMapping(path = "/v1/completions", produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.TEXT_EVENT_STREAM_VALUE})
    public Object completions(@RequestBody CompletionRequest body,
                              @RequestHeader(name = "X-Dyspec-User", required = false) String headerUser) {
        if (body == null) {
            throw ApiException.invalid(null, "the request body must be a JSON object");
        }
        String prompt = promptText(body.prompt());
        int[] tokens = decoder().encodePrompt(prompt);
        return respond(planner.plan(body, tokens, headerUser), body, false);
    }

    @PostMapping(path = "/v1/chat/completions", produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.TEXT_EVENT_STREAM_VALUE})
    public Object chatCompletions(@RequestBody ChatRequest body,
                                  @RequestHeader(name = "X-Dyspec-User", required = false) String headerUser) {
        if (body == null) {
            throw ApiException.invalid(null, "the request body must be a JSON object");
        }
        if (body.messages() == null || body.messages().isEmpty()) {
            throw ApiException.invalid("messages", "messages must be a non-empty array");
        }
        List<Map<String, String>> messages = new ArrayList<>();
        for (ChatRequest.ChatMessage m : body.messages()) {
            if (m == null || m.role() == null || m.role().isBlank()) {
                throw ApiException.invalid("messages", "every message needs a role");
            }
            messages.add(Map.of("role", m.role(), "content", contentText(m.content())));
        }
        LanguageModel target = decoder().target();
        String text = chatRenderer.render(messages, target.chat());
        int[] tokens = text.startsWith(target.chat().bosToken()) && target.chat().present()
                ? target.tokenizer().encode(text) : decoder().encodePrompt(text);
        return respond(planner.plan(body, tokens, headerUser), body, true);
    }

    private SpeculativeDecoder decoder() {
        return models.engine().decoder();
    }

    private Object respond(PlannedGeneration plan, GenerationParameters params, boolean chat) {
        String id = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        Flux<GenerationEvent> events = generations.submit(plan);
        if (!params.streaming()) {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(
                    events.ofType(GenerationEvent.Finished.class).next()
                            .map(f -> ResponseBodies.completion(id, created, plan, f, chat)));
        }
        boolean[] first = {true};
        Flux<ServerSentEvent<String>> chunks = events.concatMap(e -> {
            if (e instanceof GenerationEvent.Step s) {
                if (s.step().text().isEmpty() && !first[0]) {
                    return Flux.empty();
                }
                Map<String, Object> chunk = ResponseBodies.chunk(id, created, plan.model(), chat, s.step().text(), null, first[0]);
                first[0] = false;
                return Flux.just(sse(chunk));
            }
            GenerationEvent.Finished f = (GenerationEvent.Finished) e;
            Map<String, Object> last = ResponseBodies.chunk(id, created, plan.model(), chat, "", f.finishReason(), first[0]);
            last.put("speculative", ResponseBodies.speculative(plan, f.stats()));
            List<ServerSentEvent<String>> out = new ArrayList<>();
            out.add(sse(last));
            if (params.includeUsage()) {
                Map<String, Object> usage = ResponseBodies.envelope(id, chat ? "chat.completion.chunk" : "text_completion",
                        created, plan.model());
                usage.put("choices", List.of());
                usage.put("usage", ResponseBodies.usage(f.promptTokens(), f.completionTokens()));
                out.add(sse(usage));
            }
            out.add(ServerSentEvent.builder("[DONE]").build());
            return Flux.fromIterable(out);
        });
        // Streams are event streams whatever the client's Accept header says, as OpenAI's API does.
        return ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM).body(chunks);
    }

    private ServerSentEvent<String> sse(Map<String, Object> body) {
        return ServerSentEvent.builder(json.writeValueAsString(body)).build();
    }

    private static String promptText(Object prompt) {
        if (prompt == null) {
            return "";
        }
        if (prompt instanceof String s) {
            return s;
        }
        if (prompt instanceof List<?> list && list.size() == 1 && list.get(0) instanceof String s) {
            return s;
        }
        throw ApiException.invalid("prompt", "prompt must be a string (batched prompts are not supported)");
    }

    private static String contentText(Object content) {
        if (content == null) {
            return "";
        }
        if (content instanceof String s) {
            return s;
        }
        if (content instanceof List<?> parts) {
            StringBuilder b = new StringBuilder();
            for (Object p : parts) {
                if (p instanceof Map<?, ?> m && "text".equals(m.get("type")) && m.get("text") instanceof String t) {
                    b.append(t);
                } else {
                    throw ApiException.invalid("messages", "only text content parts are supported");
                }
            }
            return b.toString();
        }
        throw ApiException.invalid("messages", "message content must be a string or an array of text parts");
    }

}

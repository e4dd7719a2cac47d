package dev.dyspec.app.api;

import dev.dyspec.app.engine.GenerationEvent;
import dev.dyspec.app.engine.GenerationService;
import dev.dyspec.app.engine.ModelService;
import dev.dyspec.app.engine.PlannedGeneration;
import dev.dyspec.core.decode.SpeculativeDecoder;
import dev.dyspec.core.model.LanguageModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import dev.dyspec.app.security.AdminAccess;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAI-compatible endpoints. A request flows: parse → {@link RequestPlanner} (validation,
 * strategy or experiment arm) → {@link GenerationService} (shared engine) → JSON or SSE chunks.
 */
@RestController
public class CompletionsController {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CompletionsController.class);

    /** Response header: the experiment arm that served the request. */
    static final String ARM = "X-Dyspec-Arm";
    /** Request header (admin key only): serve from this arm of the running experiment. */
    static final String FORCE_ARM = "X-Dyspec-Force-Arm";

    private final ModelService models;
    private final RequestPlanner planner;
    private final GenerationService generations;
    private final ChatPromptRenderer chatRenderer = new ChatPromptRenderer();
    private final JsonMapper json;
    private final AdminAccess adminAccess;
    private final RequestLimits limits;

    public CompletionsController(ModelService models, RequestPlanner planner, GenerationService generations,
                                 JsonMapper json, AdminAccess adminAccess, RequestLimits limits) {
        this.limits = limits;
        this.adminAccess = adminAccess;
        this.models = models;
        this.planner = planner;
        this.generations = generations;
        this.json = json;
    }

    /** The served model as OpenAI's model object. */
    public record ModelObject(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {
    }

    public record ModelList(String object, List<ModelObject> data) {
    }

    @GetMapping("/v1/models")
    public ModelList listModels() {
        return new ModelList("list", List.of(servedModel()));
    }

    @GetMapping("/v1/models/{id}")
    public ModelObject retrieveModel(@PathVariable String id) {
        ModelObject served = servedModel();
        if (!served.id().equals(id)) {
            throw new ApiException(org.springframework.http.HttpStatus.NOT_FOUND, "invalid_request_error", "model",
                    "model_not_found", "the model '" + id + "' does not exist; this server serves '" + served.id() + "'");
        }
        return served;
    }

    private ModelObject servedModel() {
        models.engine();
        return new ModelObject(models.modelName(), "model", 0, "dyspec");
    }

    @PostMapping(path = "/v1/completions", produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.TEXT_EVENT_STREAM_VALUE})
    public Mono<ResponseEntity<?>> completions(@RequestBody CompletionRequest body,
                                    @RequestHeader(name = "X-Dyspec-User", required = false) String headerUser,
                                    @RequestHeader(name = FORCE_ARM, required = false) String forcedArm,
                                    @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        if (body == null) {
            throw ApiException.invalid(null, "the request body must be a JSON object");
        }
        RequestConformance.checkCompletion(body);
        String prompt = RequestConformance.promptText(body.prompt());
        limits.checkPrompt(prompt);
        String forced = forced(forcedArm, authorization);
        String echoed = body.echoes() ? prompt : "";
        return offEventLoop(() -> respond(planner.plan(body, decoder().encodePrompt(prompt), headerUser, forced), body, false,
                echoed));
    }

    /**
     * Tokenizing (native, up to the prompt limit) and queueing run on a worker thread, not on the Netty
     * event loop that serves every other connection.
     */
    private static Mono<ResponseEntity<?>> offEventLoop(java.util.concurrent.Callable<ResponseEntity<?>> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
    }

    @PostMapping(path = "/v1/chat/completions", produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.TEXT_EVENT_STREAM_VALUE})
    public Mono<ResponseEntity<?>> chatCompletions(@RequestBody ChatRequest body,
                                  @RequestHeader(name = "X-Dyspec-User", required = false) String headerUser,
                                  @RequestHeader(name = FORCE_ARM, required = false) String forcedArm,
                                  @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        if (body == null) {
            throw ApiException.invalid(null, "the request body must be a JSON object");
        }
        List<Map<String, Object>> messages = ChatPromptRenderer.templateMessages(body.messages());
        limits.checkMessages(messages);
        RequestConformance.checkChat(body);
        String forced = forced(forcedArm, authorization);
        return offEventLoop(() -> {
            LanguageModel target = decoder().target();
            String text = chatRenderer.render(messages, body.tools(), target.chat());
            // a template that writes the start token itself (or a model without one) is tokenized as it is
            boolean templated = target.chat().present()
                    && (target.chat().bosToken() == null || text.startsWith(target.chat().bosToken()));
            int[] tokens = templated ? target.tokenizer().encode(text) : decoder().encodePrompt(text);
            return respond(planner.plan(body, tokens, headerUser, forced), body, true, "");
        });
    }

    /** A forced arm is for QA and needs an admin key. */
    private String forced(String forcedArm, String authorization) {
        if (forcedArm == null) {
            return null;
        }
        adminAccess.require(authorization, FORCE_ARM);
        return forcedArm;
    }

    private SpeculativeDecoder decoder() {
        return models.engine().decoder();
    }

    /** @param echoed the prompt text a completion repeats before its own (echo), else empty */
    private ResponseEntity<?> respond(PlannedGeneration plan, GenerationParameters params, boolean chat, String echoed) {
        ResponseLogprobs logprobs = new ResponseLogprobs(plan.request(), decoder().target(), chat);
        String id = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        Flux<GenerationEvent> events = generations.submit(plan);
        HttpHeaders headers = new HttpHeaders();
        if (plan.arm() != null) {
            headers.set(ARM, plan.arm());
        }
        if (!params.streaming()) {
            return ResponseEntity.ok().headers(headers).contentType(MediaType.APPLICATION_JSON).body(
                    events.ofType(GenerationEvent.Finished.class).next()
                            .map(f -> ResponseBodies.completion(id, created, plan, f, chat, echoed + f.text(),
                                    logprobs.whole(f.promptLogprobs(), f.logprobs()))));
        }
        boolean[] first = {true};
        Flux<ServerSentEvent<String>> chunks = events.concatMap(e -> {
            if (e instanceof GenerationEvent.Started started) {
                if (echoed.isEmpty()) {
                    return Flux.empty();
                }
                Map<String, Object> chunk = ResponseBodies.chunk(id, created, plan.model(), chat, echoed, null, first[0],
                        logprobs.prompt(started.promptLogprobs()));
                if (params.includeUsage()) {
                    chunk.put("usage", null);
                }
                first[0] = false;
                return Flux.just(sse(chunk));
            }
            if (e instanceof GenerationEvent.Step s) {
                boolean carriesLogprobs = !s.step().logprobs().isEmpty();
                if (s.step().text().isEmpty() && !first[0] && !carriesLogprobs) {
                    return Flux.empty();
                }
                Map<String, Object> chunk = ResponseBodies.chunk(id, created, plan.model(), chat, s.step().text(), null, first[0],
                        logprobs.step(s.step().logprobs()));
                if (params.includeUsage()) {
                    chunk.put("usage", null);
                }
                first[0] = false;
                return Flux.just(sse(chunk));
            }
            GenerationEvent.Finished f = (GenerationEvent.Finished) e;
            Map<String, Object> last = ResponseBodies.chunk(id, created, plan.model(), chat, "", f.finishReason(), first[0], null);
            if (params.includeUsage()) {
                last.put("usage", null);
            }
            last.put("speculative", ResponseBodies.speculative(plan, f.stats()));
            List<ServerSentEvent<String>> out = new ArrayList<>();
            out.add(sse(last));
            if (params.includeUsage()) {
                Map<String, Object> usage = ResponseBodies.envelope(id, chat ? "chat.completion.chunk" : "text_completion",
                        created, plan.model());
                usage.put("choices", List.of());
                usage.put("usage", ResponseBodies.usage(f));
                out.add(sse(usage));
            }
            out.add(ServerSentEvent.builder(" [DONE]").build());
            return Flux.fromIterable(out);
        });
        // A failure after the first bytes cannot change the status: it becomes an error event that ends the stream.
        Flux<ServerSentEvent<String>> guarded = chunks.onErrorResume(error -> {
            ResponseEntity<ErrorBody> mapped = ErrorMapping.toResponse(error);
            if (ErrorMapping.serverFault(mapped)) {
                log.error("stream failed midway", error);
            }
            return Flux.just(ServerSentEvent.builder(" " + json.writeValueAsString(mapped.getBody())).build());
        });
        // Streams are event streams whatever the client's Accept header says, as OpenAI's API does.
        return ResponseEntity.ok().headers(headers).contentType(MediaType.TEXT_EVENT_STREAM).body(guarded);
    }

    /** {@code data: {json}} with the space OpenAI sends: hand-written clients strip exactly {@code "data: "}. */
    private ServerSentEvent<String> sse(Map<String, Object> body) {
        return ServerSentEvent.builder(" " + json.writeValueAsString(body)).build();
    }
}

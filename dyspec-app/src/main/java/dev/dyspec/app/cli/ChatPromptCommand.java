package dev.dyspec.app.cli;

import dev.dyspec.app.api.ApiException;
import dev.dyspec.app.api.ChatPromptRenderer;
import dev.dyspec.app.api.ChatRequest;
import dev.dyspec.core.model.ModelLoader;
import dev.dyspec.core.model.PromptTemplate;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./dyspec chat-prompt --model PATH --request FILE [--now YYYY-MM-DD]}: prints the exact prompt text
 * the server would tokenize for an OpenAI chat request body, so users see what their model is given.
 */
public final class ChatPromptCommand {

    static final Set<String> VALUED = Set.of("model", "request", "now");
    static final Set<String> FLAGS = Set.of();

    private final PrintStream out;

    public ChatPromptCommand(PrintStream out) {
        this.out = out;
    }

    public int run(String[] args) throws IOException {
        CliArgs a = CliArgs.parse(args, 1, VALUED, FLAGS);
        Path model = ModelPaths.resolve(a.get("model", null), ModelPaths.defaultTarget(), "model");
        if (!a.has("request")) {
            throw new CliException("--request FILE (an OpenAI chat request body) is required");
        }
        Path file = Path.of(a.get("request", null));
        if (!Files.isRegularFile(file)) {
            throw new CliException("request file not found: " + file);
        }
        ChatRequest request;
        try {
            request = JsonMapper.builder().build().readValue(Files.readString(file), ChatRequest.class);
        } catch (JacksonException e) {
            throw new CliException("request file is not a chat request body: " + e.getOriginalMessage());
        }
        ZonedDateTime now;
        try {
            now = a.has("now") ? LocalDate.parse(a.get("now", null)).atStartOfDay(ZoneOffset.UTC) : ZonedDateTime.now();
        } catch (DateTimeParseException e) {
            throw new CliException("--now takes YYYY-MM-DD, got '" + a.get("now", null) + "'");
        }
        PromptTemplate template = ModelLoader.readChatTemplate(model.resolve("tokenizer_config.json"));
        try {
            out.print(new ChatPromptRenderer(() -> now).render(ChatPromptRenderer.templateMessages(request.messages()),
                    request.tools(), template));
        } catch (ApiException e) {
            throw new CliException(e.getMessage());
        }
        out.flush();
        return 0;
    }
}

package dev.dyspec.app.api;

import dev.dyspec.app.engine.ModelsUnavailableException;
import dev.dyspec.core.checkpoint.CheckpointException;
import dev.dyspec.core.engine.EngineBusyException;
import dev.dyspec.core.engine.EngineStoppedException;
import dev.dyspec.core.engine.GenerationTimeoutException;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;

/** Every failure as an OpenAI-shaped error response; nothing leaks a stack trace. */
public final class ErrorMapping {

    private ErrorMapping() {
    }

    /**
     * Whether a response reports a fault of the server worth an error log with its stack trace: a 5xx other than
     * 503, which is the server telling of its state (models loading, shutting down) with a Retry-After — a client
     * polling a starting server must not fill the logs with stack traces.
     */
    public static boolean serverFault(ResponseEntity<ErrorBody> response) {
        return response.getStatusCode().is5xxServerError()
                && response.getStatusCode().value() != HttpStatus.SERVICE_UNAVAILABLE.value();
    }

    public static ResponseEntity<ErrorBody> toResponse(Throwable error) {
        Throwable e = unwrap(error);
        if (e instanceof ApiException api) {
            return body(api.status(), api.getMessage(), api.type(), api.param(), api.code(), null);
        }
        if (e instanceof EngineBusyException busy) {
            return body(HttpStatus.TOO_MANY_REQUESTS, busy.getMessage(), "rate_limit_error", null, "rate_limit_exceeded",
                    busy.retryAfterSeconds());
        }
        if (e instanceof GenerationTimeoutException timeout) {
            return body(HttpStatus.REQUEST_TIMEOUT, timeout.getMessage(), "invalid_request_error", "max_tokens",
                    "generation_timeout", null);
        }
        if (e instanceof EngineStoppedException stopped) {
            return body(HttpStatus.SERVICE_UNAVAILABLE, stopped.getMessage(), "server_error", null, "server_shutting_down", 5);
        }
        if (e instanceof ModelsUnavailableException m) {
            return body(HttpStatus.SERVICE_UNAVAILABLE, m.getMessage(), "server_error", null, "model_unavailable", 5);
        }
        if (e instanceof DataBufferLimitException) {
            return body(HttpStatus.PAYLOAD_TOO_LARGE, "the request body is larger than the configured limit",
                    "invalid_request_error", null, "body_too_large", null);
        }
        if (e instanceof ServerWebInputException input) {
            return body(HttpStatus.BAD_REQUEST, inputMessage(input), "invalid_request_error", null, "invalid_json", null);
        }
        if (e instanceof ResponseStatusException rse) {
            HttpStatusCode status = rse.getStatusCode();
            String message = switch (status.value()) {
                case 404 -> "no such endpoint";
                case 405 -> "method not allowed on this endpoint";
                case 406 -> "cannot produce the requested content type: accept application/json or text/event-stream";
                case 413 -> "the request body is larger than the configured limit";
                case 415 -> "unsupported content type: send the body as application/json";
                default -> rse.getReason() != null ? withoutJavaNames(rse.getReason()) : status.toString();
            };
            String code = switch (status.value()) {
                case 404 -> "not_found";
                case 405 -> "method_not_allowed";
                case 413 -> "body_too_large";
                case 415 -> "unsupported_media_type";
                default -> null;
            };
            return body(status, message, status.is4xxClientError() ? "invalid_request_error" : "server_error", null,
                    code, null);
        }
        if (e instanceof IllegalArgumentException || e instanceof CheckpointException) {
            return body(HttpStatus.BAD_REQUEST, e.getMessage(), "invalid_request_error", null, "invalid_value", null);
        }
        return body(HttpStatus.INTERNAL_SERVER_ERROR, "internal error: " + e.getClass().getSimpleName(), "server_error",
                null, null, null);
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof java.util.concurrent.CompletionException
                || t.getClass().getName().startsWith("reactor.core.Exceptions")) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof ServerWebInputException && t.getCause() instanceof DataBufferLimitException limit) {
            return limit;
        }
        if (t instanceof ServerWebInputException && t.getCause() instanceof DecodingException d
                && d.getCause() instanceof DataBufferLimitException limit) {
            return limit;
        }
        return t;
    }

    private static String inputMessage(ServerWebInputException e) {
        Throwable cause = e.getMostSpecificCause();
        String detail = cause != null && cause != e ? cause.getMessage() : e.getReason();
        if (detail == null) {
            detail = "malformed request";
        }
        if (detail.contains("No request body") || detail.contains("Required request body is missing")) {
            return "the request body must be a JSON object";
        }
        return "invalid request body: " + withoutJavaNames(detail);
    }

    private static final java.util.regex.Pattern FIELD = java.util.regex.Pattern.compile("\\[\"([^\"]+)\"]");
    private static final java.util.regex.Pattern JAVA_TYPE = java.util.regex.Pattern.compile("`([a-zA-Z_$][\\w$.]*)`");

    /**
     * A parser message as a client can use it: the JSON field it concerns and the expected kind of value,
     * never Java class names or source positions.
     */
    static String withoutJavaNames(String detail) {
        String first = detail.lines().findFirst().orElse(detail);
        java.util.regex.Matcher field = FIELD.matcher(detail);
        String name = null;
        while (field.find()) {
            name = field.group(1);
        }
        java.util.regex.Matcher type = JAVA_TYPE.matcher(first);
        if (first.startsWith("Cannot deserialize value of type") && type.find()) {
            return (name == null ? "a value" : "field '" + name + "'") + " must be " + kind(type.group(1));
        }
        if (first.contains("Cannot construct instance") || first.contains("Cannot deserialize")) {
            return (name == null ? "a value" : "field '" + name + "'") + " has the wrong type";
        }
        String cleaned = JAVA_TYPE.matcher(first).replaceAll(m -> kind(m.group(1)));
        int at = cleaned.indexOf(" at [Source");
        cleaned = at > 0 ? cleaned.substring(0, at) : cleaned;
        return cleaned.replaceAll("\\(for Object starting at[^)]*\\)", "").replaceAll("dev\\.dyspec\\.[\\w.$]+", "request")
                .replaceAll("java\\.[\\w.$]+", "value").trim();
    }

    private static String kind(String javaType) {
        String simple = javaType.substring(javaType.lastIndexOf('.') + 1);
        return switch (simple) {
            case "Integer", "int", "Long", "long" -> "an integer";
            case "Double", "double", "Float", "float" -> "a number";
            case "Boolean", "boolean" -> "true or false";
            case "String" -> "a string";
            case "List", "ArrayList" -> "an array";
            case "Map", "LinkedHashMap", "HashMap" -> "an object";
            default -> "an object";
        };
    }

    private static ResponseEntity<ErrorBody> body(HttpStatusCode status, String message, String type, String param,
                                                  String code, Integer retryAfter) {
        ResponseEntity.BodyBuilder b = ResponseEntity.status(status);
        if (retryAfter != null) {
            b.header(HttpHeaders.RETRY_AFTER, Integer.toString(retryAfter));
        }
        return b.body(ErrorBody.of(message, type, param, code));
    }
}

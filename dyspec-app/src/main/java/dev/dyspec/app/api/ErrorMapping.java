package dev.dyspec.app.api;

import dev.dyspec.app.engine.ModelsUnavailableException;
import dev.dyspec.core.checkpoint.CheckpointException;
import dev.dyspec.core.engine.EngineBusyException;
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

    public static ResponseEntity<ErrorBody> toResponse(Throwable error) {
        Throwable e = unwrap(error);
        if (e instanceof ApiException api) {
            return body(api.status(), api.getMessage(), api.type(), api.param(), api.code(), null);
        }
        if (e instanceof EngineBusyException busy) {
            return body(HttpStatus.TOO_MANY_REQUESTS, busy.getMessage(), "rate_limit_error", null, "rate_limit_exceeded",
                    busy.retryAfterSeconds());
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
            String message = rse.getReason() != null ? rse.getReason() : status.toString();
            if (status.value() == 404) {
                message = "no such endpoint";
            }
            return body(status, message, status.is4xxClientError() ? "invalid_request_error" : "server_error", null,
                    null, null);
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
        int cut = detail.indexOf("\n");
        detail = cut > 0 ? detail.substring(0, cut) : detail;
        if (detail.contains("No request body") || detail.contains("Required request body is missing")) {
            return "the request body must be a JSON object";
        }
        return "invalid request body: " + detail;
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

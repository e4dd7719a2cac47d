package dev.dyspec.app.api;

import dev.dyspec.app.security.NormalizedPath;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Errors outside the controllers (unknown paths, wrong methods, filters) on {@code /v1}: the same
 * OpenAI error body. Actuator and other paths keep Spring's default handling.
 */
@Component
@Order(-2)
public class OpenAiErrorWebExceptionHandler implements WebExceptionHandler {

    private final JsonMapper json;

    public OpenAiErrorWebExceptionHandler(JsonMapper json) {
        this.json = json;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        if (!NormalizedPath.isUnder(NormalizedPath.of(exchange.getRequest()), "/v1")) {
            return Mono.error(ex);
        }
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(ex);
        }
        ResponseEntity<ErrorBody> entity = ErrorMapping.toResponse(ex);
        response.setStatusCode(entity.getStatusCode());
        response.getHeaders().putAll(entity.getHeaders());
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        byte[] bytes = json.writeValueAsBytes(entity.getBody());
        return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
    }
}

package dev.dyspec.app.security;

import dev.dyspec.app.api.ErrorBody;
import dev.dyspec.app.config.DyspecProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** When API keys are configured, every {@code /v1} call needs {@code Authorization: Bearer <key>}. */
@Component
public class ApiKeyFilter implements WebFilter {

    private final List<byte[]> keys;
    private final JsonMapper json;

    public ApiKeyFilter(DyspecProperties properties, JsonMapper json) {
        this.keys = properties.security().apiKeys().stream().filter(k -> !k.isBlank())
                .map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
        this.json = json;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (keys.isEmpty() || !exchange.getRequest().getPath().value().startsWith("/v1")) {
            return chain.filter(exchange);
        }
        String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (header != null && header.startsWith("Bearer ") && matches(header.substring(7).trim())) {
            return chain.filter(exchange);
        }
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.UNAUTHORIZED);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        ErrorBody body = ErrorBody.of(header == null ? "missing API key: send Authorization: Bearer <key>"
                : "invalid API key", "invalid_request_error", null, "invalid_api_key");
        return response.writeWith(Mono.just(response.bufferFactory().wrap(json.writeValueAsBytes(body))));
    }

    private boolean matches(String given) {
        byte[] g = given.getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (byte[] k : keys) {
            ok |= MessageDigest.isEqual(k, g); // constant time per key
        }
        return ok;
    }
}

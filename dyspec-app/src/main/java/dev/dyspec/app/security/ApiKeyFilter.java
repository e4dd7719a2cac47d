package dev.dyspec.app.security;

import dev.dyspec.app.api.ErrorBody;
import dev.dyspec.app.config.DyspecProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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

/**
 * When API keys are configured, every call needs {@code Authorization: Bearer <key>} — deny by default —
 * except the orchestrator's health probes. The decision is made on the decoded, normalised path that
 * routing uses, so no encoding of a path slips past it.
 */
@Component
@org.springframework.core.annotation.Order(ApiKeyFilter.ORDER)
public class ApiKeyFilter implements WebFilter {

    /** Early: nothing but closing connections after errors runs before the key check. */
    public static final int ORDER = org.springframework.core.Ordered.HIGHEST_PRECEDENCE + 10;

    /** Paths an orchestrator must reach without a key. */
    static final Set<String> PUBLIC_PATHS = Set.of("/actuator/health/liveness", "/actuator/health/readiness");

    private final BearerKeys keys;
    private final JsonMapper json;

    public ApiKeyFilter(DyspecProperties properties, JsonMapper json) {
        List<String> all = new ArrayList<>(properties.security().apiKeys());
        if (!all.stream().allMatch(String::isBlank)) {
            // admin keys open what API keys open; alone they do not switch authentication on
            all.addAll(properties.security().adminKeys());
        }
        this.keys = new BearerKeys(all);
        this.json = json;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (keys.isEmpty() || PUBLIC_PATHS.contains(NormalizedPath.of(exchange.getRequest()))) {
            return chain.filter(exchange);
        }
        String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (keys.accepts(header)) {
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
}

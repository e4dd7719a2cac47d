package dev.dyspec.app.api;

import dev.dyspec.app.engine.ModelService;
import dev.dyspec.app.security.ApiKeyFilter;
import dev.dyspec.app.security.NormalizedPath;
import java.util.Set;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
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
 * Refuses a generation request with a 429 before its body is read when the engine has no room, so
 * clients that retry a 429 at once cost the server almost nothing and the requests it admitted keep the
 * CPU. The 429 is sent after {@code limits.busy-delay}: a client that retries without pause then retries
 * a few times a second instead of thousands. Runs after the API-key check: an unauthenticated client
 * still gets its 401.
 */
@Component
@Order(ApiKeyFilter.ORDER + 10)
public class AdmissionFilter implements WebFilter {

    static final Set<String> GENERATION_PATHS = Set.of("/v1/completions", "/v1/chat/completions");

    private final ModelService models;
    private final byte[] busyBody;
    private final java.time.Duration busyDelay;

    public AdmissionFilter(ModelService models, JsonMapper json, dev.dyspec.app.config.DyspecProperties properties) {
        this.models = models;
        this.busyDelay = properties.limits().busyDelay();
        this.busyBody = json.writeValueAsBytes(ErrorBody.of("too many requests: every generation slot and queue place is"
                + " taken; retry after the Retry-After interval", "rate_limit_error", null, "rate_limit_exceeded"));
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (exchange.getRequest().getMethod() != HttpMethod.POST || models.state() != ModelService.State.READY
                || !GENERATION_PATHS.contains(NormalizedPath.of(exchange.getRequest())) || !models.engine().full()) {
            return chain.filter(exchange);
        }
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.TOO_MANY_REQUESTS);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
        Mono<Void> refuse = response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(busyBody)));
        return busyDelay.isZero() ? refuse : Mono.delay(busyDelay).then(refuse);
    }
}

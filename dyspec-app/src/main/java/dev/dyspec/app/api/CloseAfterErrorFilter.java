package dev.dyspec.app.api;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Error responses close their connection. Many are sent without reading the request body (unknown path,
 * wrong method or content type, a missing key, a body over the limit); a client that reused the
 * keep-alive connection would send its next request behind the unread bytes, and that request was
 * seen to go unanswered.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class CloseAfterErrorFilter implements WebFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpResponse response = exchange.getResponse();
        response.beforeCommit(() -> {
            if (response.getStatusCode() != null && response.getStatusCode().value() >= 400) {
                response.getHeaders().set(HttpHeaders.CONNECTION, "close");
            }
            return Mono.empty();
        });
        return chain.filter(exchange);
    }
}

package dev.dyspec.app.security;

import java.util.ArrayDeque;
import java.util.Deque;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The request path as routing sees it: percent-decoded segments without matrix parameters, empty and
 * {@code .} segments dropped, {@code ..} resolved. Security decisions must be made on this form, never on
 * the raw path ({@code /%76%31/models} is routed to {@code /v1/models}).
 */
public final class NormalizedPath {

    private NormalizedPath() {
    }

    public static String of(ServerHttpRequest request) {
        Deque<String> segments = new ArrayDeque<>();
        for (PathContainer.Element element : request.getPath().pathWithinApplication().elements()) {
            if (!(element instanceof PathContainer.PathSegment segment)) {
                continue;
            }
            String value = segment.valueToMatch();
            if (value.isEmpty() || value.equals(".")) {
                continue;
            }
            if (value.equals("..")) {
                segments.pollLast();
                continue;
            }
            segments.addLast(value);
        }
        return "/" + String.join("/", segments);
    }

    /** Whether the normalised path is {@code prefix} itself or lies below it. */
    public static boolean isUnder(String normalized, String prefix) {
        return normalized.equals(prefix) || normalized.startsWith(prefix + "/");
    }
}

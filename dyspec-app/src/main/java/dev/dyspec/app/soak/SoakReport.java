package dev.dyspec.app.soak;

import java.util.Map;

/**
 * What a soak run saw.
 *
 * @param statuses responses by HTTP status (0: the connection failed)
 * @param brokenStreams streams that ended without {@code [DONE]} or an error event, not counting those the client cut
 * @param cutStreams streams the client cut on purpose
 * @param badErrorBodies non-2xx responses whose body was not an OpenAI error object
 * @param readinessDown health checks that found readiness not UP
 * @param rssKiB the server's resident memory at each sample (when its pid was given)
 */
public record SoakReport(long requests, Map<Integer, Long> statuses, long brokenStreams, long cutStreams,
                         long badErrorBodies, long hostileRequests, long readinessChecks, long readinessDown,
                         double ttftP50Ms, double ttftP95Ms, double latencyP50Ms, double latencyP95Ms,
                         java.util.List<Long> rssKiB) {

    public long serverErrors() {
        return statuses.entrySet().stream().filter(e -> e.getKey() >= 500 || e.getKey() == 0)
                .mapToLong(Map.Entry::getValue).sum();
    }

    /** The goals of a healthy run: no 5xx or failed connections, no broken streams or bodies, always ready. */
    public boolean healthy() {
        return serverErrors() == 0 && brokenStreams == 0 && badErrorBodies == 0 && readinessDown == 0;
    }
}

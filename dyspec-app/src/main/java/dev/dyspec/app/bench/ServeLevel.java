package dev.dyspec.app.bench;

/**
 * One concurrency level of {@code bench-serve} for one strategy.
 *
 * @param tokensPerSecond completion tokens of all requests over the level's wall time
 * @param itlP50Ms gaps between successive streamed chunks (a chunk may carry several accepted tokens)
 * @param tau mean tokens emitted per target step, over the level's requests
 * @param rowsPerTargetForward mean rows in the engine's batched target forward (NaN when the server's
 *                             metrics are out of reach)
 * @param rowsPerDraftForward mean rows in a draft forward shared by requests growing side by side
 * @param cachedPromptShare prompt tokens the server took from its prefix cache, over all prompt tokens
 * @param serverCores the server process's CPU time over the wall time between the metric scrapes around the
 *                    level: how many cores it kept busy (with the in-process server the clients share its process,
 *                    and their share is in it); NaN when the server's metrics are out of reach
 * @param byCategory the level's requests by prompt category
 */
public record ServeLevel(int concurrency, String strategy, int requests, int failed, double tokensPerSecond,
                         double ttftP50Ms, double ttftP95Ms, double itlP50Ms, double itlP95Ms, double tau,
                         double rowsPerTargetForward, double rowsPerDraftForward, double cachedPromptShare,
                         double serverCores,
                         java.util.SortedMap<String, Category> byCategory) {

    /**
     * @param tokensPerSecond one request's completion tokens over its own latency, pooled over the category
     * @param tau mean tokens per target step
     */
    public record Category(int requests, double tokensPerSecond, double tau) {
    }
}

package dev.dyspec.core.decode;

/**
 * Which log-probabilities a generation reports.
 *
 * @param generated one {@link TokenLogprob} per generated token
 * @param prompt one per prompt token after the first (completions' echo)
 * @param top alternatives per position, 0 to {@link #MAX_TOP}
 */
public record LogprobsRequest(boolean generated, boolean prompt, int top) {

    public static final int MAX_TOP = 20;
    public static final LogprobsRequest NONE = new LogprobsRequest(false, false, 0);

    public LogprobsRequest {
        if (top < 0 || top > MAX_TOP) {
            throw new IllegalArgumentException("top log-probabilities must be between 0 and " + MAX_TOP + ", got " + top);
        }
    }
}

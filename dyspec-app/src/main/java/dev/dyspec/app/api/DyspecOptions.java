package dev.dyspec.app.api;

/**
 * The request's {@code "dyspec"} extension object.
 *
 * @param treeShape e.g. "4,2,2,1,1" (a JSON array of integers is accepted too)
 * @param adaptiveSize grow DySpec trees only while the next node raises expected tokens per second
 * @param expansionsPerForward DySpec sampling actions expanded per draft forward (1 = the paper)
 * @param draftTemperature temperature of the draft distributions trees are grown from, in (0, 2]; absent: the
 *     strategy's default (the paper's 0.6 for {@code dyspec}, the request's temperature for the others)
 */
public record DyspecOptions(String strategy, Integer budget, Double threshold, Object treeShape, Boolean adaptiveSize,
                            Integer expansionsPerForward, Double draftTemperature) {
}

package dev.dyspec.app.api;

/**
 * The request's {@code "dyspec"} extension object.
 *
 * @param treeShape e.g. "4,2,2,1,1" (a JSON array of integers is accepted too)
 * @param adaptiveSize grow DySpec trees only while the next node raises expected tokens per second
 * @param expansionsPerForward DySpec sampling actions expanded per draft forward (1 = the paper)
 */
public record DyspecOptions(String strategy, Integer budget, Double threshold, Object treeShape, Boolean adaptiveSize,
                            Integer expansionsPerForward) {
}

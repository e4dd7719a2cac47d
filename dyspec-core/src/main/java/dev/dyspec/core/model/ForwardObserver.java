package dev.dyspec.core.model;

/** Told of every forward a {@link CausalLm} ran: its rows, how many of them were scored, and its wall time. */
@FunctionalInterface
public interface ForwardObserver {

    /**
     * @param rows       new tokens in the forward, every sequence's together
     * @param scoredRows rows whose logits were computed (the rest only filled caches: prefill)
     * @param nanos      wall time of the forward, logits copied out included
     */
    void forwarded(int rows, int scoredRows, long nanos);
}

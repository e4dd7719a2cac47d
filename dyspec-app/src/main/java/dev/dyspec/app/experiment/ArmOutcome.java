package dev.dyspec.app.experiment;

/**
 * What one finished request of an arm measured.
 *
 * @param tokens generated tokens
 * @param tau mean tokens per target forward
 * @param tokensPerSecond generated tokens over the request's wall time
 * @param timeToFirstTokenMs submission to the first emitted token
 * @param interTokenMs mean time between later tokens (NaN with fewer than two tokens)
 */
public record ArmOutcome(long tokens, double tau, double tokensPerSecond, double timeToFirstTokenMs,
                         double interTokenMs) {
}

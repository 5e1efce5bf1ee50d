package dev.ragd.llm.openai;

/**
 * The state of one model upstream, for readiness checks and metrics.
 *
 * <p>Contract: cheap, non-blocking, callable from any thread.
 */
public interface UpstreamHealth {

    /** A short name of the upstream, e.g. {@code openai:gpt-4o-mini} or {@code azure-openai:my-deployment}. */
    String name();

    /** True while the circuit breaker fails calls fast (open, or half-open with its trial in flight). */
    boolean circuitOpen();

    /** Milliseconds until the breaker lets a trial call through; 0 when closed. */
    long retryAfterMs();
}

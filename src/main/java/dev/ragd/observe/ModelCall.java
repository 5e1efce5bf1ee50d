package dev.ragd.observe;

/**
 * A call to a language model, as the GenAI semantic conventions describe it.
 *
 * @param operation {@code chat} (answer generation)
 * @param provider  {@code openai} or {@code azure.ai.openai}
 * @param model     the requested model (for Azure: the deployment)
 * @param upstream  the upstream's short name in ragd's logs
 * @param server    the upstream's host, or {@code null}
 */
public record ModelCall(String operation, String provider, String model, String upstream, String server) {}

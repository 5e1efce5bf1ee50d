package dev.ragd.eval;

/**
 * Scores an answer as a person would, on a 1–5 scale with a reason: {@link Metrics#GROUNDEDNESS}
 * (is every claim supported by the retrieved passages?) and {@link Metrics#RELEVANCE} (does it
 * answer what was asked?).
 *
 * <p>Contract: blocking (call it off any event loop); never throws for a judge that misbehaves:
 * an unreachable judge or an unreadable verdict is a {@link Judgement} without a score whose reason
 * says what went wrong. Safe to call from many threads.
 */
public interface Judge {

    Judgement judge(String metric, EvalQuestion question, EvalAnswer answer);

    /** The judge's name in reports, e.g. {@code openai:gpt-4o-mini}. */
    String name();

    /**
     * One verdict.
     *
     * @param score  1 (worst) to 5 (best), or {@code null} when the judge gave none
     * @param reason the judge's reason, or what went wrong
     */
    record Judgement(Integer score, String reason) {}
}

package dev.ragd.mock;

/**
 * What the simulator does with one request.
 *
 * @param kind          the outcome
 * @param stallFraction for {@link Kind#STALL} and {@link Kind#CUT}: how far into the answer the stream stops, in [0, 1)
 */
public record Decision(Kind kind, double stallFraction) {

    public enum Kind { ANSWER, RATE_LIMITED, ERROR_500, ERROR_503, STALL, CUT }

    /** The number of content tokens sent before a stalled stream stops: at least 1 when possible, always fewer than {@code total}. */
    public int stallAfter(int total) {
        if (total <= 1) {
            return 0;
        }
        return Math.max(1, Math.min(total - 1, (int) Math.floor(stallFraction * total)));
    }
}

package dev.ragd.mock;

import java.util.Random;

/**
 * The seeded sequence of per-request decisions. Every call draws the same number of values from a
 * {@link Random} seeded once, so a given seed and request order always give the same decisions.
 * Rate limiting wins over server errors, which win over stalls, which win over cuts. Cuts draw from
 * a second sequence (seeded from the same seed), so adding them leaves the other decisions unchanged.
 * Thread-safe.
 */
public final class Decisions {

    private final long seed;
    private final double rate429;
    private final double rate5xx;
    private final double stall;
    private final double cut;
    private Random random;
    private Random cuts;

    public Decisions(long seed, double rate429, double rate5xx, double stall) {
        this(seed, rate429, rate5xx, stall, 0);
    }

    public Decisions(long seed, double rate429, double rate5xx, double stall, double cut) {
        this.seed = seed;
        this.rate429 = rate429;
        this.rate5xx = rate5xx;
        this.stall = stall;
        this.cut = cut;
        restart();
    }

    /**
     * The next decision. {@code streaming} only matters for stalls, which apply to streams alone (a
     * non-streaming request drawn to stall is answered normally); so do cuts.
     */
    public synchronized Decision next(boolean streaming) {
        double r429 = random.nextDouble();
        double r5xx = random.nextDouble();
        boolean use503 = random.nextBoolean();
        double rStall = random.nextDouble();
        double stallFraction = 0.2 + 0.6 * random.nextDouble();
        double rCut = cuts.nextDouble();
        double cutFraction = 0.2 + 0.6 * cuts.nextDouble();
        if (r429 < rate429) {
            return new Decision(Decision.Kind.RATE_LIMITED, 0);
        }
        if (r5xx < rate5xx) {
            return new Decision(use503 ? Decision.Kind.ERROR_503 : Decision.Kind.ERROR_500, 0);
        }
        if (streaming && rStall < stall) {
            return new Decision(Decision.Kind.STALL, stallFraction);
        }
        if (streaming && rCut < cut) {
            return new Decision(Decision.Kind.CUT, cutFraction);
        }
        return new Decision(Decision.Kind.ANSWER, 0);
    }

    /** Starts the sequence again from the seed. */
    public synchronized void restart() {
        random = new Random(seed);
        cuts = new Random(~seed);
    }
}

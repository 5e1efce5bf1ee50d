package dev.ragd.observe;

/** Where a generator reports the model calls it makes for one request. */
public interface ModelCalls {

    ModelCalls NONE = call -> ModelCallObserver.NONE;

    /** A call begins; the result hears the rest of it. Never throws. */
    ModelCallObserver modelCall(ModelCall call);
}

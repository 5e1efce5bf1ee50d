package dev.ragd.eval;

import dev.ragd.chat.Timings;
import dev.ragd.retrieval.Passage;
import java.util.List;

/**
 * What the pipeline answered to one question.
 *
 * @param answer    the whole answer text ({@code ""} after an error)
 * @param sources   the retrieved passages, citation order ({@code [n]} is {@code sources.get(n - 1)})
 * @param timings   the pipeline's own durations and token counts, or {@code null} after an error
 * @param model     the answering model's name, or {@code null} after an error
 * @param retriever the retriever's name, or {@code null} after an error
 * @param error     the error code when the request failed (e.g. {@code upstream_unavailable}), else {@code null}
 * @param errorMessage what the error said, or {@code null}
 */
public record EvalAnswer(String answer, List<Passage> sources, Timings timings, String model, String retriever,
        String error, String errorMessage) {

    public EvalAnswer {
        answer = answer == null ? "" : answer;
        sources = List.copyOf(sources);
    }

    public static EvalAnswer failed(String code, String message) {
        return new EvalAnswer("", List.of(), null, null, null, code, message);
    }

    public boolean failed() {
        return error != null;
    }
}

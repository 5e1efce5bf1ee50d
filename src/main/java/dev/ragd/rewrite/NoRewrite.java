package dev.ragd.rewrite;

import dev.ragd.llm.Message;
import java.util.List;

/** Searches for the question as asked (extractive answerer, or {@code RAGD_QUERY_REWRITE=false}). */
public final class NoRewrite implements QueryRewriter {

    @Override
    public List<String> rewrite(String question, List<Message> history) {
        return List.of(question);
    }

    @Override
    public boolean blocking() {
        return false;
    }

    @Override
    public String name() {
        return "none";
    }
}

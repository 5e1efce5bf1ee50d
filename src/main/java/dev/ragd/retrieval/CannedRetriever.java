package dev.ragd.retrieval;

import java.util.List;

/**
 * Returns the same two passages for every query, searching nothing: what the start-up warm-up
 * drives the request path with when the real retriever is a remote service whose capacity a
 * starting replica must not spend.
 */
public final class CannedRetriever implements Retriever {

    private static final List<Passage> PASSAGES = List.of(
            new Passage("warm-up-1", "warm-up-1", "Warm-up", "A passage that stands in for a search result while"
                    + " this replica warms up. Nothing is searched.", null, 1.0),
            new Passage("warm-up-2", "warm-up-2", "Warm-up", "A second passage, so that prompts and sources carry"
                    + " more than one citation.", null, 0.5));

    private final String name;

    public CannedRetriever(String name) {
        this.name = name;
    }

    @Override
    public List<Passage> retrieve(String query, int topK) {
        return query == null || query.isBlank() ? List.of() : PASSAGES.subList(0, Math.min(topK, PASSAGES.size()));
    }

    @Override
    public String name() {
        return name;
    }
}

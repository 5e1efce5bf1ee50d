package dev.ragd.llm;

/** Token counts of one generation; zero where the generator does not know them. */
public record Usage(int promptTokens, int completionTokens) {
    public static final Usage NONE = new Usage(0, 0);
}

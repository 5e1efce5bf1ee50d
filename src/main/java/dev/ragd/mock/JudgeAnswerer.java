package dev.ragd.mock;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulator's judge, for {@code ragd eval} without a paid model: a deterministic verdict from
 * word overlap, so the same answer always gets the same score and a better-grounded answer never
 * gets a lower one. Groundedness: the share of the answer's content words (citations aside) that
 * the {@code <sources>} block holds. Relevance: the share of the question's content words the
 * answer holds. Either share {@code s} becomes the score {@code 1 + round(4 s)}.
 */
final class JudgeAnswerer {

    private static final Pattern CITATION = Pattern.compile("\\[\\d+(?:\\s*,\\s*\\d+)*]");

    private JudgeAnswerer() {}

    /** The verdict as the judge prompt asks for it: {@code {"score": n, "reason": "..."}}. */
    static String verdict(Prompt prompt) {
        String aspect = prompt.judgeAspect();
        int last = prompt.lastUserIndex();
        String text = last < 0 ? "" : prompt.turns().get(last).text();
        String answer = CITATION.matcher(block(text, "answer")).replaceAll(" ");
        List<String> have;
        List<String> want;
        String of;
        String in;
        if ("relevance".equals(aspect)) {
            want = Prompt.contentWords(block(text, "question"));
            have = Prompt.contentWords(answer);
            of = "question";
            in = "answer";
        } else {
            want = Prompt.contentWords(answer);
            // the passages' own words, not their tags
            have = Prompt.contentWords(block(text, "sources").replaceAll("</?passage\\b[^>]*>", " "));
            of = "answer";
            in = "sources";
        }
        long found = want.stream().filter(have::contains).count();
        double share = want.isEmpty() ? 0 : (double) found / want.size();
        int score = 1 + (int) Math.round(4 * share);
        String reason = "mock judge (" + aspect + "): " + found + " of " + want.size() + " content words of the " + of
                + " appear in the " + in;
        return new JsonObject().put("score", score).put("reason", reason).encode();
    }

    /** The text between {@code <name>} and {@code </name>}, or {@code ""}. */
    static String block(String text, String name) {
        Matcher m = Pattern.compile("<" + name + ">\\s*(.*?)\\s*</" + name + ">", Pattern.DOTALL).matcher(text);
        return m.find() ? m.group(1) : "";
    }
}

package dev.ragd.mock;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes deterministic answers from the prompt alone: sentences of the prompt's passages that share
 * words with the question, each cited {@code [n]} when it comes from a numbered passage ({@code [n]}
 * lines, or ragd's {@code <passage id="n">} elements inside a {@code <sources>} block); or, for a
 * query-rewriting prompt, one to three short search queries, one per line.
 */
final class GroundedAnswerer {

    private static final Pattern PASSAGE = Pattern.compile("^\\s*\\[(\\d+)]\\s*(.*)$");
    /** ragd's delimited passages: {@code <passage id="n" title="...">}, its text, {@code </passage>}. */
    private static final Pattern PASSAGE_TAG = Pattern.compile("^\\s*<passage\\b[^>]*?\\bid=\"(\\d+)\"[^>]*>\\s*(.*)$");
    private static final Pattern PASSAGE_END = Pattern.compile("^\\s*</passage>\\s*$");
    private static final Pattern SOURCES_TAG = Pattern.compile("^\\s*</?sources>\\s*$");
    private static final Pattern QUESTION_LINE = Pattern.compile("(?im)^\\s*(?:new\\s+question|question|q)\\s*:\\s*(.+)$");
    /** A user turn quoted in a rewrite prompt's history block, e.g. ragd's {@code User: ...} lines. */
    private static final Pattern HISTORY_USER_LINE = Pattern.compile("(?im)^\\s*user\\s*:\\s*(.+)$");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+");
    private static final Pattern TITLE = Pattern.compile("^(?i)title\\s*:\\s*");
    private static final int MAX_SENTENCES = 3;

    private record Sentence(String text, int passage, int position, int score) {}

    private GroundedAnswerer() {}

    /** The answer to {@code prompt}: search queries or a grounded answer. */
    static String answer(Prompt prompt) {
        if (prompt.judgeAspect() != null) {
            return JudgeAnswerer.verdict(prompt);
        }
        return prompt.asksForQueries() ? queries(prompt) : grounded(prompt);
    }

    static String question(Prompt prompt) {
        int last = prompt.lastUserIndex();
        if (last < 0) {
            return "";
        }
        String text = prompt.turns().get(last).text();
        Matcher q = QUESTION_LINE.matcher(text);
        String found = null;
        while (q.find()) {
            found = q.group(1).strip();
        }
        if (found != null) {
            return found;
        }
        if (text.lines().anyMatch(l -> PASSAGE.matcher(l).matches() || PASSAGE_TAG.matcher(l).matches())) {
            String[] paragraphs = text.strip().split("\\n\\s*\\n");
            return paragraphs[paragraphs.length - 1].strip();
        }
        return text.strip();
    }

    static String grounded(Prompt prompt) {
        String question = question(prompt);
        List<String> asked = Prompt.contentWords(question);
        List<Sentence> sentences = new ArrayList<>();
        // ragd's prompt: the rules in the system message, the passages in a <sources> block of the last
        // user message; when there is such a block, it is the only text quoted.
        boolean anyTagged = prompt.turns().stream().anyMatch(t -> tagged(t.text()));
        for (var turn : prompt.turns()) {
            if (anyTagged && !tagged(turn.text())) {
                continue;
            }
            if ("user".equals(turn.role()) || "system".equals(turn.role()) || "developer".equals(turn.role())) {
                collect(turn.text(), question, asked, sentences);
            }
        }
        List<Sentence> best = sentences.stream().filter(s -> s.score() > 0)
                .sorted(Comparator.comparingInt(Sentence::score).reversed().thenComparingInt(Sentence::position))
                .limit(MAX_SENTENCES)
                .sorted(Comparator.comparingInt(Sentence::position))
                .toList();
        if (best.isEmpty()) {
            return asked.isEmpty() ? "The provided sources do not answer this question."
                    : "The provided sources say nothing about " + String.join(" ", asked) + ".";
        }
        StringBuilder sb = new StringBuilder();
        for (Sentence s : best) {
            sb.append(sb.isEmpty() ? "" : " ");
            String body = s.text();
            if (s.passage() <= 0) {
                sb.append(body);
                continue;
            }
            int end = body.length();
            while (end > 0 && ".!?".indexOf(body.charAt(end - 1)) >= 0) {
                end--;
            }
            String tail = end == body.length() ? "." : body.substring(end);
            sb.append(body, 0, end).append(" [").append(s.passage()).append(']').append(tail);
        }
        return sb.toString();
    }

    private static void collect(String text, String question, List<String> asked, List<Sentence> out) {
        // In a message with a <sources> block only the passages inside it are quoted, not the text around them.
        boolean tagged = tagged(text);
        int passage = 0;
        StringBuilder block = new StringBuilder();
        for (String line : text.split("\\R")) {
            Matcher tag = PASSAGE_TAG.matcher(line);
            if (tag.matches()) {
                addSentences(block.toString(), passage, question, asked, out);
                block.setLength(0);
                passage = Integer.parseInt(tag.group(1));
                block.append(tag.group(2)).append('\n');
                continue;
            }
            if (PASSAGE_END.matcher(line).matches() || SOURCES_TAG.matcher(line).matches()) {
                addSentences(block.toString(), passage, question, asked, out);
                block.setLength(0);
                passage = 0;
                continue;
            }
            if (tagged && passage == 0) {
                continue;
            }
            Matcher m = PASSAGE.matcher(line);
            if (m.matches()) {
                addSentences(block.toString(), passage, question, asked, out);
                block.setLength(0);
                passage = Integer.parseInt(m.group(1));
                String rest = m.group(2);
                if (!TITLE.matcher(rest).find()) {
                    block.append(rest).append('\n');
                }
            } else if (QUESTION_LINE.matcher(line).matches()) {
                addSentences(block.toString(), passage, question, asked, out);
                block.setLength(0);
                passage = 0;
            } else {
                block.append(line).append('\n');
            }
        }
        addSentences(block.toString(), passage, question, asked, out);
    }

    /** True when {@code text} has a {@code <sources>} or {@code </sources>} line. */
    private static boolean tagged(String text) {
        return text.lines().anyMatch(l -> SOURCES_TAG.matcher(l).matches());
    }

    private static void addSentences(String block, int passage, String question, List<String> asked,
            List<Sentence> out) {
        for (String raw : SENTENCE_END.split(block.replaceAll("\\s+", " ").strip())) {
            String s = raw.strip();
            if (s.isEmpty() || s.equals(question) || s.length() < 3) {
                continue;
            }
            int score = 0;
            for (String w : Prompt.contentWords(s)) {
                if (asked.contains(w)) {
                    score++;
                }
            }
            out.add(new Sentence(s, passage, out.size(), score));
        }
    }

    /** One to three short search queries, one per line, from the question (and the previous user turn for follow-ups). */
    static String queries(Prompt prompt) {
        String question = question(prompt);
        List<String> words = Prompt.contentWords(question);
        List<String> previous = new ArrayList<>();
        int last = prompt.lastUserIndex();
        for (int i = last - 1; i >= 0; i--) {
            if ("user".equals(prompt.turns().get(i).role())) {
                previous = Prompt.contentWords(prompt.turns().get(i).text());
                break;
            }
        }
        if (previous.isEmpty() && last >= 0) {
            Matcher quoted = HISTORY_USER_LINE.matcher(prompt.turns().get(last).text());
            while (quoted.find()) {
                previous = Prompt.contentWords(quoted.group(1));
            }
        }
        List<String> first = new ArrayList<>(words.subList(0, Math.min(8, words.size())));
        for (String w : previous) {
            if (first.size() >= 8 || words.size() >= 4) {
                break;
            }
            if (!first.contains(w)) {
                first.add(w);
            }
        }
        if (first.isEmpty()) {
            return question.isBlank() ? "general information" : question.strip();
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.join(" ", first));
        if (first.size() >= 4) {
            int half = first.size() / 2;
            lines.add(String.join(" ", first.subList(0, half)));
            lines.add(String.join(" ", first.subList(half, first.size())));
        }
        return String.join("\n", lines);
    }
}

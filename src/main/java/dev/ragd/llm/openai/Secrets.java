package dev.ragd.llm.openai;

import java.util.regex.Pattern;

/** Removes key-like strings from text that may end up in logs (upstream error bodies echo keys). */
public final class Secrets {

    /** OpenAI keys ({@code sk-...}), and long opaque tokens such as Azure keys (32 hex) and JWTs. */
    private static final Pattern KEYS = Pattern.compile(
            "sk-[A-Za-z0-9_\\-*]{6,}|\\b[0-9a-fA-F]{32}\\b|eyJ[A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]+"
                    + "|[A-Za-z0-9_\\-]{40,}");

    private Secrets() {}

    public static String redact(String text) {
        return text == null ? null : KEYS.matcher(text).replaceAll("[redacted]");
    }
}

package dev.ragd.server;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.function.Function;

/**
 * The frame that carries one token, encoded once per stream. Per token only the text is escaped
 * and put between a fixed prefix and suffix, instead of building a JSON object and serialising it
 * (tokens are the hot path: tens of thousands per second per replica). The result is exactly what
 * the stream's full encoder writes for the same frame; {@code TokenFrameTest} holds it to that.
 */
final class TokenFrame {

    /** Stands for the token in the template; private-use characters no encoder escapes. */
    static final String MARK = "\uE000ragd-token\uE000";

    private static final JsonStringEncoder ESCAPER = JsonStringEncoder.getInstance();

    private final String prefix;
    private final String suffix;
    private final boolean quoteAsUnicode;

    private TokenFrame(String prefix, String suffix, boolean quoteAsUnicode) {
        this.prefix = prefix;
        this.suffix = suffix;
        this.quoteAsUnicode = quoteAsUnicode;
    }

    /**
     * @param template       the frame with {@link #MARK} as the token's string value
     * @param encoder        how the stream encodes frames
     * @param quoteAsUnicode whether that encoder writes {@code "} in strings as {@code \u0022} ({@link BookJson})
     */
    static <T> TokenFrame of(T template, Function<T, String> encoder, boolean quoteAsUnicode) {
        String encoded = encoder.apply(template);
        String quotedMark = '"' + MARK + '"';
        int at = encoded.indexOf(quotedMark);
        if (at < 0 || encoded.indexOf(quotedMark, at + 1) >= 0) {
            throw new IllegalArgumentException("the template must hold the token mark exactly once: " + encoded);
        }
        return new TokenFrame(encoded.substring(0, at + 1), encoded.substring(at + quotedMark.length() - 1),
                quoteAsUnicode);
    }

    /** A copy that writes {@code before} ahead of and {@code after} behind every frame (e.g. SSE framing). */
    TokenFrame wrapped(String before, String after) {
        return new TokenFrame(before + prefix, suffix + after, quoteAsUnicode);
    }

    /** The frame for {@code token}. */
    String render(String token) {
        StringBuilder out = new StringBuilder(prefix.length() + suffix.length() + token.length() + 8).append(prefix);
        if (!quoteAsUnicode || token.indexOf('"') < 0) {
            ESCAPER.quoteAsString(token, out);
        } else {
            int from = 0;
            for (int q = token.indexOf('"'); q >= 0; q = token.indexOf('"', from)) {
                ESCAPER.quoteAsString(token.substring(from, q), out);
                out.append("\\u0022");
                from = q + 1;
            }
            ESCAPER.quoteAsString(token.substring(from), out);
        }
        return out.append(suffix).toString();
    }
}

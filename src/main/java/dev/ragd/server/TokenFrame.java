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
     * The token frame of a stream, split around its token. The token must be the frame's last value:
     * the frame is encoded with an empty token, and the prefix is everything before that empty
     * string's closing quote, the suffix that quote and the closing brackets after it. Nothing is
     * searched for, so no value elsewhere in the frame (a client's request id, say) can be mistaken
     * for the token's place. A probe token checks that the split is where {@code encoder} puts it.
     *
     * @param frame          the frame for a given token text
     * @param encoder        how the stream encodes frames
     * @param quoteAsUnicode whether that encoder writes {@code "} in strings as {@code \u0022} ({@link BookJson})
     * @throws IllegalArgumentException when the token is not the frame's last value
     */
    static <T> TokenFrame of(Function<String, T> frame, Function<T, String> encoder, boolean quoteAsUnicode) {
        String encoded = encoder.apply(frame.apply(""));
        int end = encoded.length();
        while (end > 0 && (encoded.charAt(end - 1) == '}' || encoded.charAt(end - 1) == ']')) {
            end--;
        }
        if (end < 2 || !encoded.startsWith("\"\"", end - 2)) {
            throw notLast(encoded);
        }
        TokenFrame split = new TokenFrame(encoded.substring(0, end - 1), encoded.substring(end - 1), quoteAsUnicode);
        String probe = "probe \" \\ \n";
        if (!split.render(probe).equals(encoder.apply(frame.apply(probe)))) {
            throw notLast(encoded);
        }
        return split;
    }

    private static IllegalArgumentException notLast(String encoded) {
        return new IllegalArgumentException("the token must be the frame's last value: " + encoded);
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

package dev.ragd.server;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The frame that carries one token, encoded once per stream. Per token only the text is escaped
 * and put between a fixed prefix and suffix, instead of building a JSON object and serialising it
 * (tokens are the hot path: tens of thousands per second per replica). The result is exactly what
 * the stream's full encoder writes for the same frame; {@code TokenFrameTest} holds it to that.
 */
final class TokenFrame {

    private static final JsonStringEncoder ESCAPER = JsonStringEncoder.getInstance();

    /** Everything before the frame's seq, for a frame with one ({@link #ofSeq}); else {@code null}. */
    private final String head;
    private final String prefix;
    private final String suffix;
    private final boolean quoteAsUnicode;

    private TokenFrame(String head, String prefix, String suffix, boolean quoteAsUnicode) {
        this.head = head;
        this.prefix = prefix;
        this.suffix = suffix;
        this.quoteAsUnicode = quoteAsUnicode;
    }

    /**
     * Like {@link #of}, for a frame that also carries a number (its {@code seq}) somewhere before the
     * token: the frame is encoded with seq 0 and seq 1, and the one place where the two differ is the
     * number's. A probe with a long seq checks the split.
     *
     * @throws IllegalArgumentException when the two encodings differ elsewhere, or the token is not last
     */
    static <T> TokenFrame ofSeq(BiFunction<Long, String, T> frame, Function<T, String> encoder) {
        String zero = encoder.apply(frame.apply(0L, ""));
        String one = encoder.apply(frame.apply(1L, ""));
        int at = 0;
        while (at < zero.length() && at < one.length() && zero.charAt(at) == one.charAt(at)) {
            at++;
        }
        if (zero.length() != one.length() || at >= zero.length() || zero.charAt(at) != '0'
                || !zero.substring(at + 1).equals(one.substring(at + 1))) {
            throw new IllegalArgumentException("the seq is not one number in the frame: " + zero);
        }
        int cut = at + 1;
        TokenFrame tail = of(text -> frame.apply(0L, text), t -> encoder.apply(t).substring(cut), false);
        TokenFrame split = new TokenFrame(zero.substring(0, at), tail.prefix, tail.suffix, false);
        String probe = "probe \" \\ \n";
        if (!split.render(1234567890123L, probe).equals(encoder.apply(frame.apply(1234567890123L, probe)))) {
            throw new IllegalArgumentException("the seq is not one number in the frame: " + zero);
        }
        return split;
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
        TokenFrame split = new TokenFrame(null, encoded.substring(0, end - 1), encoded.substring(end - 1), quoteAsUnicode);
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
        return head == null ? new TokenFrame(null, before + prefix, suffix + after, quoteAsUnicode)
                : new TokenFrame(before + head, prefix, suffix + after, quoteAsUnicode);
    }

    /** The frame for {@code token} and {@code seq}, of a frame made by {@link #ofSeq}. */
    String render(long seq, String token) {
        if (head == null) {
            throw new IllegalStateException("this frame has no seq");
        }
        StringBuilder out = new StringBuilder(head.length() + prefix.length() + suffix.length() + token.length() + 28)
                .append(head).append(seq).append(prefix);
        return escape(token, out).append(suffix).toString();
    }

    /** The frame for {@code token}. */
    String render(String token) {
        if (head != null) {
            throw new IllegalStateException("this frame needs a seq");
        }
        StringBuilder out = new StringBuilder(prefix.length() + suffix.length() + token.length() + 8).append(prefix);
        return escape(token, out).append(suffix).toString();
    }

    private StringBuilder escape(String token, StringBuilder out) {
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
        return out;
    }
}

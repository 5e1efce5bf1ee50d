package dev.ragd.server;

import io.vertx.ext.web.RequestBody;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Decodes a request body as UTF-8, refusing malformed bytes instead of turning them into U+FFFD. */
final class StrictUtf8 {

    private StrictUtf8() {}

    /**
     * The body as text, or null when there is none.
     *
     * @throws BadRequestException naming the offset of the first byte that is not UTF-8
     */
    static String decode(RequestBody body) throws BadRequestException {
        if (body == null || body.buffer() == null) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(body.buffer().getBytes());
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer out = CharBuffer.allocate(in.remaining()); // UTF-8 never yields more chars than bytes
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw BadRequestException.field(null, "the request body is not valid UTF-8 (byte " + in.position()
                    + " starts a malformed sequence)");
        }
        return out.flip().toString();
    }
}

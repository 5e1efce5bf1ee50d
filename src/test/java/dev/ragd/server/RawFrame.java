package dev.ragd.server;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One frame as it goes on the wire. {@code rsv} holds the three reserved bits (0 to 7, see
 * {@link #RSV1}); {@code opcode} any four-bit value. Client frames are masked unless
 * {@link #masked(boolean) masked(false)}.
 */
public record RawFrame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {

    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;
    /** RSV1, RSV2 and RSV3 as {@link #rsv()} values (bits 6, 5 and 4 of the first byte). */
    public static final int RSV1 = 0x4;
    public static final int RSV2 = 0x2;
    public static final int RSV3 = 0x1;

    public RawFrame {
        if (rsv < 0 || rsv > 7 || opcode < 0 || opcode > 0xF) {
            throw new IllegalArgumentException("rsv must be 0-7 and opcode 0-15");
        }
        payload = payload.clone();
    }

    public static RawFrame of(int opcode, byte[] payload) {
        return new RawFrame(true, 0, opcode, true, payload);
    }

    public static RawFrame text(String text) {
        return text(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A text frame with these exact bytes, valid UTF-8 or not. */
    public static RawFrame text(byte[] bytes) {
        return of(TEXT, bytes);
    }

    public static RawFrame binary(byte[] bytes) {
        return of(BINARY, bytes);
    }

    public static RawFrame continuation(byte[] bytes) {
        return of(CONTINUATION, bytes);
    }

    public static RawFrame ping(byte[] bytes) {
        return of(PING, bytes);
    }

    /** A close frame with a status code (any value, valid or not) and a reason. */
    public static RawFrame close(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        return of(CLOSE, ByteBuffer.allocate(2 + r.length).putShort((short) code).put(r).array());
    }

    /**
     * One message split into {@code parts} frames of nearly equal size: the first carries
     * {@code opcode}, the rest are continuations, and only the last has FIN set.
     */
    public static List<RawFrame> fragments(int opcode, byte[] message, int parts) {
        if (parts < 1 || parts > Math.max(1, message.length)) {
            throw new IllegalArgumentException("parts must be between 1 and the message length");
        }
        List<RawFrame> frames = new ArrayList<>(parts);
        for (int i = 0; i < parts; i++) {
            int from = (int) ((long) message.length * i / parts);
            int to = (int) ((long) message.length * (i + 1) / parts);
            frames.add(new RawFrame(i == parts - 1, 0, i == 0 ? opcode : CONTINUATION, true,
                    Arrays.copyOfRange(message, from, to)));
        }
        return frames;
    }

    public RawFrame fin(boolean value) {
        return new RawFrame(value, rsv, opcode, masked, payload);
    }

    public RawFrame rsv(int value) {
        return new RawFrame(fin, value, opcode, masked, payload);
    }

    public RawFrame masked(boolean value) {
        return new RawFrame(fin, rsv, opcode, value, payload);
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** The payload decoded as UTF-8 (malformed bytes become U+FFFD). */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** The frame's bytes on the wire; the payload is masked with {@code maskKey} when {@link #masked()}. */
    public byte[] encode(int maskKey) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 14);
        out.write((fin ? 0x80 : 0) | rsv << 4 | opcode);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            out.write(maskBit | payload.length);
        } else if (payload.length <= 0xFFFF) {
            out.write(maskBit | 126);
            out.writeBytes(ByteBuffer.allocate(2).putShort((short) payload.length).array());
        } else {
            out.write(maskBit | 127);
            out.writeBytes(ByteBuffer.allocate(8).putLong(payload.length).array());
        }
        byte[] body = payload.clone();
        if (masked) {
            byte[] key = ByteBuffer.allocate(4).putInt(maskKey).array();
            out.writeBytes(key);
            for (int i = 0; i < body.length; i++) {
                body[i] ^= key[i & 3];
            }
        }
        out.writeBytes(body);
        return out.toByteArray();
    }
}

package dev.ragd.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client over a plain {@link Socket}, for sending what no proper client would: any
 * opcode, any RSV bits, masked or not, fragmented or not, any length, or raw bytes. It reads the
 * server's frames and tells a proper close (a close frame with its code and reason) from a TCP
 * connection that just ended (code {@link #ABNORMAL}, as a browser reports it).
 *
 * <p>One thread may write ({@link #send}, {@link #sendRaw}) while another reads; {@link #sendInBackground}
 * is that other writer, for payloads the server may stop reading half-way. Every read is bounded by
 * a timeout, so a test never hangs on a silent server.
 */
public final class RawWebSocket implements AutoCloseable {

    /** The code reported when the connection ended without a close frame (RFC 6455, 7.1.5). */
    public static final int ABNORMAL = 1006;
    /** The code reported for a close frame that carries no status code (RFC 6455, 7.1.5). */
    public static final int NO_STATUS = 1005;

    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int MAX_HEAD_BYTES = 64 * 1024;
    /** Frames from the server larger than this are refused, so garbage cannot exhaust memory. */
    private static final int MAX_READ_PAYLOAD = 16 * 1024 * 1024;

    /** The server's answer to the opening handshake: status code and headers (names in lower case). */
    public record Handshake(int status, Map<String, String> headers) {}

    /**
     * How the connection ended. {@code closeFrame} is false when the TCP connection ended (or was
     * reset) without a close frame; then {@code code} is {@link #ABNORMAL} and {@code reason} null.
     * {@code tcpClosed} says whether the server also ended the TCP connection within the timeout;
     * {@code bytesAfterClose} counts what the server sent after its close frame (RFC 6455 allows
     * nothing). {@code frames} are the frames other than the close that arrived before it.
     */
    public record Closure(int code, String reason, boolean closeFrame, boolean tcpClosed, long bytesAfterClose,
            List<RawFrame> frames) {}

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final Handshake handshake;

    private RawWebSocket(Socket socket, DataInputStream in, Handshake handshake) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.handshake = handshake;
    }

    /** Connects to 127.0.0.1 and completes the opening handshake; fails unless the server answers 101. */
    public static RawWebSocket connect(int port, String path) throws IOException {
        return connect(port, path, Map.of());
    }

    /** {@link #connect(int, String)} with extra request headers (e.g. {@code Origin}). */
    public static RawWebSocket connect(int port, String path, Map<String, String> headers) throws IOException {
        RawWebSocket ws = open(port, path, headers);
        if (ws.handshake.status() != 101) {
            ws.close();
            throw new IOException("handshake refused: HTTP " + ws.handshake.status());
        }
        return ws;
    }

    /**
     * Sends the opening handshake to 127.0.0.1 and reads the response head, whatever its status;
     * see {@link #handshake()}. On a 101, the {@code Sec-WebSocket-Accept} header is checked.
     */
    public static RawWebSocket open(int port, String path, Map<String, String> headers) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            String key = Base64.getEncoder().encodeToString(nonce);
            StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                    + "\r\nSec-WebSocket-Version: 13\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            Handshake handshake = readHead(in);
            if (handshake.status() == 101 && !accept(key).equals(handshake.headers().get("sec-websocket-accept"))) {
                throw new IOException("wrong Sec-WebSocket-Accept: " + handshake.headers());
            }
            return new RawWebSocket(socket, in, handshake);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    public Handshake handshake() {
        return handshake;
    }

    /** Writes one frame, masked with a random key when the frame is masked. */
    public void send(RawFrame frame) throws IOException {
        sendRaw(frame.encode(ThreadLocalRandom.current().nextInt()));
    }

    /** Writes these bytes as they are (a partial frame, garbage, several frames at once). */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Writes the frames in order on a new daemon thread, for payloads the server may stop reading
     * half-way (the future then fails, typically with "broken pipe" or "connection reset"). Do not
     * write from another thread until it completes.
     */
    public CompletableFuture<Void> sendInBackground(List<RawFrame> frames) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread writer = new Thread(() -> {
            try {
                for (RawFrame f : frames) {
                    send(f);
                }
                done.complete(null);
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        }, "raw-websocket-writer");
        writer.setDaemon(true);
        writer.start();
        return done;
    }

    /**
     * The next frame from the server.
     *
     * @throws EOFException           when the server ended the TCP connection
     * @throws SocketTimeoutException when no whole frame arrived within {@code timeout}; the
     *                                position in the stream is then undefined, so do not read on
     */
    public RawFrame read(Duration timeout) throws IOException {
        socket.setSoTimeout(Math.toIntExact(Math.max(1, timeout.toMillis())));
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        if (length < 0 || length > MAX_READ_PAYLOAD) {
            throw new IOException("server frame payload length " + length + " is out of range");
        }
        boolean masked = (b1 & 0x80) != 0;
        byte[] key = new byte[4];
        if (masked) {
            in.readFully(key);
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        if (masked) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= key[i & 3];
            }
        }
        return new RawFrame((b0 & 0x80) != 0, (b0 >> 4) & 7, b0 & 0xF, masked, payload);
    }

    /**
     * Reads until the server's close frame, answers it with a close frame of the same code (as a
     * proper client does), then waits for the server to end the TCP connection, all within
     * {@code timeout}. A connection that ends or is reset before a close frame is reported as
     * {@link #ABNORMAL}, not thrown.
     *
     * @throws SocketTimeoutException when neither a close frame nor the end of the connection came in time
     */
    public Closure awaitClose(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<RawFrame> frames = new ArrayList<>();
        RawFrame close;
        try {
            while (true) {
                RawFrame f = read(remaining(deadline));
                if (f.opcode() == RawFrame.CLOSE) {
                    close = f;
                    break;
                }
                frames.add(f);
            }
        } catch (EOFException | SocketException e) {
            return new Closure(ABNORMAL, null, false, true, 0, frames);
        }
        byte[] body = close.payload();
        int code = body.length >= 2 ? ByteBuffer.wrap(body).getShort() & 0xFFFF : NO_STATUS;
        String reason = body.length > 2 ? new String(body, 2, body.length - 2, StandardCharsets.UTF_8) : "";
        try {
            send(body.length >= 2 ? RawFrame.close(code, "") : RawFrame.of(RawFrame.CLOSE, new byte[0]));
        } catch (IOException e) {
            // The server may already have ended the connection: nothing left to answer.
        }
        End end = awaitEnd(deadline);
        return new Closure(code, reason, true, end.ended(), end.bytes(), frames);
    }

    private record End(boolean ended, long bytes) {}

    /** Whether the server ends the TCP connection before the deadline, and how much it sent until then. */
    private End awaitEnd(long deadline) throws IOException {
        byte[] buf = new byte[8192];
        long bytes = 0;
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return new End(false, bytes);
                }
                socket.setSoTimeout(Math.toIntExact(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))));
                int n = in.read(buf);
                if (n < 0) {
                    return new End(true, bytes);
                }
                bytes += n;
            }
        } catch (SocketTimeoutException e) {
            return new End(false, bytes);
        } catch (SocketException e) {
            return new End(true, bytes); // reset
        }
    }

    private static Duration remaining(long deadline) throws SocketTimeoutException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("timed out waiting for the server to close");
        }
        return Duration.ofNanos(left);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static Handshake readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection ended during the handshake response");
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
            if (head.size() > MAX_HEAD_BYTES) {
                throw new IOException("handshake response head longer than " + MAX_HEAD_BYTES + " bytes");
            }
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP response: " + lines[0]);
        }
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        return new Handshake(Integer.parseInt(statusLine[1]), Map.copyOf(headers));
    }

    private static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + ACCEPT_GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

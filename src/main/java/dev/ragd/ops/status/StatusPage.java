package dev.ragd.ops.status;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The status page: {@code status/status.html} from the classpath, read once, and the headers it
 * is served with. The page has exactly one inline {@code <style>} and one inline {@code <script>};
 * its Content-Security-Policy allows those two by their SHA-256 hashes (computed here, so editing
 * the page cannot leave a stale hash) and, besides, only {@code fetch()} to its own origin: no
 * other script, style, image, font, frame or form target, so nothing outside the page can run or
 * be loaded from it.
 */
public final class StatusPage {

    public static final String CONTENT_TYPE = "text/html; charset=utf-8";
    static final String RESOURCE = "status/status.html";

    /** Headers for {@code /status/data}: JSON that is never a page and never framed. */
    public static final Map<String, String> DATA_HEADERS = Map.of(
            "x-content-type-options", "nosniff",
            "content-security-policy", "default-src 'none'; frame-ancestors 'none'");

    private final String html;
    private final Map<String, String> headers;

    private StatusPage(String html, Map<String, String> headers) {
        this.html = html;
        this.headers = headers;
    }

    public static StatusPage load() {
        try (InputStream in = StatusPage.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + RESOURCE);
            }
            return of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static StatusPage of(String html) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("content-security-policy", "default-src 'none'; script-src '" + hash(inline(html, "script"))
                + "'; style-src '" + hash(inline(html, "style")) + "'; connect-src 'self'; img-src data:; "
                + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
        h.put("x-content-type-options", "nosniff");
        h.put("referrer-policy", "no-referrer");
        return new StatusPage(html, Map.copyOf(h));
    }

    /** The page. */
    public String html() {
        return html;
    }

    /** The page's security headers (CSP with the hashes of its inline style and script, nosniff, no referrer). */
    public Map<String, String> headers() {
        return headers;
    }

    /** The text of the page's one {@code <tag>…</tag>} element (without attributes). */
    static String inline(String html, String tag) {
        String open = "<" + tag + ">";
        String close = "</" + tag + ">";
        int start = html.indexOf(open);
        int end = start < 0 ? -1 : html.indexOf(close, start);
        if (start < 0 || end < 0 || html.indexOf(open, end) >= 0) {
            throw new IllegalStateException(RESOURCE + " must have exactly one " + open + " element");
        }
        return html.substring(start + open.length(), end);
    }

    static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

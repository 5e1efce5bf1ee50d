package dev.ragd.observe;

import java.util.regex.Pattern;

/**
 * A W3C Trace Context {@code traceparent} header, version 00 (other versions are read by their
 * first four fields, as the spec asks of future versions).
 *
 * @param traceId  32 lowercase hex digits, not all zero
 * @param parentId 16 lowercase hex digits, not all zero
 * @param flags    the trace flags; bit 0 is "sampled"
 */
public record TraceParent(String traceId, String parentId, int flags) {

    private static final Pattern HEADER = Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");

    /** The header's value, or {@code null} when absent or malformed (a bad header is ignored, per the spec). */
    public static TraceParent parse(String header) {
        if (header == null || header.length() > 512) {
            return null;
        }
        var m = HEADER.matcher(header.strip());
        if (!m.matches() || "ff".equals(m.group(1)) || ("00".equals(m.group(1)) && m.group(5) != null)) {
            return null;
        }
        String trace = m.group(2);
        String parent = m.group(3);
        if (trace.chars().allMatch(c -> c == '0') || parent.chars().allMatch(c -> c == '0')) {
            return null;
        }
        return new TraceParent(trace, parent, Integer.parseInt(m.group(4), 16));
    }

    /** The header value for this context. */
    public String header() {
        return "00-" + traceId + "-" + parentId + "-" + String.format("%02x", flags);
    }
}

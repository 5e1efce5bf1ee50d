package dev.ragd.ops.status;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Pattern;

/**
 * A bounded, append-only set of counter labels (rejection reasons, upstream error types), each
 * given a fixed column: the first {@code capacity - 1} distinct labels get their own, every later
 * one, and anything that is not a short snake_case word, shares the last column, {@code other}.
 * A label is an error code the server chose, never user content; the pattern keeps it so even if
 * a caller passes something else. Looking up a known label is a map read, without allocation.
 */
final class Labels {

    static final String OTHER = "other";
    /** Labels remembered (as their own column or as {@code other}); the map stays small. */
    private static final int MAX_REMEMBERED = 128;
    private static final Pattern WORD = Pattern.compile("[a-z][a-z0-9_]{0,39}");

    private final ConcurrentHashMap<String, Integer> columns = new ConcurrentHashMap<>();
    private final AtomicReferenceArray<String> names;
    private final int capacity;
    private int next;

    Labels(int capacity) {
        this.capacity = capacity;
        this.names = new AtomicReferenceArray<>(capacity);
        names.set(capacity - 1, OTHER);
    }

    int capacity() {
        return capacity;
    }

    /** The column of {@code label}. */
    int column(String label) {
        if (label == null) {
            return capacity - 1;
        }
        Integer c = columns.get(label);
        return c != null ? c : add(label);
    }

    private synchronized int add(String label) {
        Integer c = columns.get(label);
        if (c != null) {
            return c;
        }
        if (OTHER.equals(label) || next >= capacity - 1 || !WORD.matcher(label).matches()) {
            if (columns.size() < MAX_REMEMBERED && label.length() <= 40) {
                columns.put(label, capacity - 1); // next time a map read, like a known label
            }
            return capacity - 1;
        }
        int column = next++;
        names.set(column, label);
        columns.put(label, column);
        return column;
    }

    /** The label of {@code column}, or {@code null} when none has it yet. */
    String name(int column) {
        return names.get(column);
    }
}

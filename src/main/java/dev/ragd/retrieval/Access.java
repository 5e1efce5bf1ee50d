package dev.ragd.retrieval;

import java.util.List;
import java.util.Objects;

/**
 * Who is searching, for documents with access lists ({@code RAGD_ENFORCE_ACCESS}): a chunk is
 * visible when its {@code allowed_users} holds {@code user}, or its {@code allowed_groups} holds
 * one of {@code groups} or {@value #ANY_SIGNED_IN}. A chunk with neither list is visible to nobody
 * (default deny). Values compare exactly, as identity claims do.
 */
public record Access(String user, List<String> groups) {

    public static final String ALLOWED_USERS = "allowed_users";
    public static final String ALLOWED_GROUPS = "allowed_groups";
    /** The group every signed-in caller is in. */
    public static final String ANY_SIGNED_IN = "*";
    /** Bounds on one document's lists, so a record cannot make each of its chunks enormous. */
    public static final int MAX_ENTRIES = 1_000;
    public static final int MAX_ENTRY_CHARS = 256;

    public Access {
        Objects.requireNonNull(user, "user");
        groups = List.copyOf(groups);
    }

    /** Whether a chunk with these lists is visible to this caller (the same rule the indexes apply). */
    public boolean sees(List<String> allowedUsers, List<String> allowedGroups) {
        return allowedUsers.contains(user) || allowedGroups.contains(ANY_SIGNED_IN)
                || allowedGroups.stream().anyMatch(groups::contains);
    }
}

package dev.ragd.chatlog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code RAGD_HASH_EMAIL=true}: wraps any store so it keeps {@code sha256:<64 hex>} of the trimmed,
 * lower-cased email instead of the email, and hashes a {@link ChatLogQuery#user()} filter the same
 * way so {@code ragd logs --user ada@example.com} still finds that user's records. A value that is
 * already a hash ({@code sha256:...}) is kept as it is, so hashes printed by {@code ragd logs} can
 * be used as filters too.
 */
public final class HashedEmailChatLog extends ForwardingChatLog {

    static final String PREFIX = "sha256:";

    public HashedEmailChatLog(ChatLog delegate) {
        super(delegate);
    }

    /** {@code sha256:<hex>} of the trimmed, lower-cased email; null stays null; a hash stays as it is. */
    public static String hash(String email) {
        if (email == null || email.startsWith(PREFIX)) {
            return email;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(email.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public void upsert(ChatRecord r) {
        Objects.requireNonNull(r, "record");
        delegate.upsert(r.withUserEmail(hash(r.userEmail())));
    }

    /** The owner check compares hashes: the store holds the asker's hash, never the address. */
    @Override
    public long deleteConversation(String conversationId, String user) {
        return delegate.deleteConversation(conversationId, hash(user));
    }

    @Override
    public Optional<ChatRecord> getFor(String id, String user) {
        return delegate.getFor(id, hash(user));
    }

    @Override
    public Optional<ChatRecord> rate(String id, String user, Feedback feedback) {
        return delegate.rate(id, hash(user), feedback);
    }

    @Override
    public List<ChatRecord> find(ChatLogQuery query) {
        return delegate.find(query.withUser(hash(query.user())));
    }

    @Override
    public long forEachMatching(ChatLogQuery query, Consumer<? super ChatRecord> sink) {
        return delegate.forEachMatching(query.withUser(hash(query.user())), sink);
    }

    /** The wrapped store (e.g. to check which backend is open). */
    public ChatLog delegate() {
        return delegate;
    }

    @Override
    public String describe() {
        return delegate.describe() + " (emails hashed)";
    }

}

package dev.ragd.server;

import dev.ragd.chat.ChatError;

/** A request refused with {@code error}: the failure of an asynchronous admission step. */
final class Refusal extends RuntimeException {

    final transient ChatError error;

    Refusal(ChatError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }
}

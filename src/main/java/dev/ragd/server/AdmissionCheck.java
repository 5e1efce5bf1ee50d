package dev.ragd.server;

import dev.ragd.chat.ChatError;

/**
 * One cross-cutting rule every request must pass before any route or WebSocket upgrade (origin and
 * host rules now; authentication next). Runs on the event loop: must not block.
 */
interface AdmissionCheck {

    /** Why {@code request} is refused (the error's code gives the HTTP status), or {@code null} to let it in. */
    ChatError refusal(AdmissionRequest request);
}

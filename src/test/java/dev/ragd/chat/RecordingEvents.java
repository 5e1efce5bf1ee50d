package dev.ragd.chat;

import dev.ragd.retrieval.Passage;
import io.vertx.core.Handler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A ChatEvents sink that writes every event into a journal (shared with the chat-log fake). */
final class RecordingEvents implements ChatEvents {

    final List<String> journal;
    final StringBuilder answer = new StringBuilder();
    final CompletableFuture<EndInfo> ended = new CompletableFuture<>();
    final CompletableFuture<ChatError> failed = new CompletableFuture<>();
    volatile List<Passage> sources;
    volatile boolean full;
    volatile Handler<Void> drain;

    RecordingEvents() {
        this(Collections.synchronizedList(new ArrayList<>()));
    }

    RecordingEvents(List<String> journal) {
        this.journal = journal;
    }

    @Override public void onStart(String id) { journal.add("start"); }

    @Override public void onSources(List<Passage> passages) { sources = passages; journal.add("sources"); }

    @Override public void onToken(String text) { answer.append(text); journal.add("token"); }

    @Override public void onEnd(EndInfo end) { journal.add("end"); ended.complete(end); }

    @Override public void onError(ChatError error) { journal.add("error:" + error.code()); failed.complete(error); }

    @Override public boolean writeQueueFull() { return full; }

    @Override public void drainHandler(Handler<Void> handler) { drain = handler; }
}

package dev.ragd.observe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several observers as one. An observer that throws anyway is logged (once per kind of event) and
 * skipped: watching a request must never break it.
 */
final class CompositeObserver implements ChatObserver {

    private static final Logger log = LoggerFactory.getLogger(CompositeObserver.class);

    private final List<ChatObserver> observers;

    CompositeObserver(List<ChatObserver> observers) {
        this.observers = observers;
    }

    @Override
    public RunObserver admitted(RequestInfo request) {
        List<RunObserver> runs = new ArrayList<>(observers.size());
        RequestInfo info = request;
        for (ChatObserver o : observers) {
            RunObserver run;
            try {
                run = o.admitted(info);
            } catch (RuntimeException e) {
                broken(e);
                continue;
            }
            if (run == null || run == RunObserver.NONE) {
                continue;
            }
            runs.add(run);
            String traceId = run.traceId();
            if (traceId != null && !traceId.equals(info.traceId())) {
                info = info.withTraceId(traceId);
            }
        }
        return runs.isEmpty() ? RunObserver.NONE : runs.size() == 1 ? runs.getFirst() : new Runs(runs);
    }

    @Override
    public void rejected(RequestInfo request, String code, String detail) {
        each(observers, o -> o.rejected(request, code, detail));
    }

    @Override
    public void breakerChanged(String upstream, String state) {
        each(observers, o -> o.breakerChanged(upstream, state));
    }

    @Override
    public void searchThrottled(String service, int status, long delayMs) {
        each(observers, o -> o.searchThrottled(service, status, delayMs));
    }

    @Override
    public void searchUnavailable(String service, int status) {
        each(observers, o -> o.searchUnavailable(service, status));
    }

    @Override
    public void feedbackKept(String protocol, String rating) {
        each(observers, o -> o.feedbackKept(protocol, rating));
    }

    @Override
    public void resumed(String protocol, String outcome) {
        each(observers, o -> o.resumed(protocol, outcome));
    }

    static <T> void each(List<T> targets, Consumer<T> event) {
        for (T t : targets) {
            try {
                event.accept(t);
            } catch (RuntimeException e) {
                broken(e);
            }
        }
    }

    private static void broken(RuntimeException e) {
        log.atError().setCause(e).log("an observer failed; the request goes on without it");
    }

    private record Runs(List<RunObserver> runs) implements RunObserver {
        @Override
        public String traceId() {
            for (RunObserver r : runs) {
                if (r.traceId() != null) {
                    return r.traceId();
                }
            }
            return null;
        }

        @Override
        public Map<String, String> searchHeaders() {
            Map<String, String> all = new HashMap<>();
            each(runs, r -> all.putAll(r.searchHeaders()));
            return all;
        }

        @Override public void rewriteFailed(long ms, Throwable cause) { each(runs, r -> r.rewriteFailed(ms, cause)); }

        @Override public void rewritten(long ms, int queries) { each(runs, r -> r.rewritten(ms, queries)); }

        @Override public void retrieved(Retrieval retrieval) { each(runs, r -> r.retrieved(retrieval)); }

        @Override
        public ModelCallObserver modelCall(ModelCall call) {
            List<ModelCallObserver> calls = new ArrayList<>(runs.size());
            each(runs, r -> {
                ModelCallObserver c = r.modelCall(call);
                if (c != null && c != ModelCallObserver.NONE) {
                    calls.add(c);
                }
            });
            return calls.isEmpty() ? ModelCallObserver.NONE : calls.size() == 1 ? calls.getFirst() : new Calls(calls);
        }

        @Override public void firstToken(long ms) { each(runs, r -> r.firstToken(ms)); }

        @Override public void backpressure(long ms, int tokens) { each(runs, r -> r.backpressure(ms, tokens)); }

        @Override
        public void answered(long ms, String outcome, int tokens, Throwable failure) {
            each(runs, r -> r.answered(ms, outcome, tokens, failure));
        }

        @Override
        public void cancelled(long ms, int tokens, String reason) { each(runs, r -> r.cancelled(ms, tokens, reason)); }

        @Override public void recordWritten(RecordWritten write) { each(runs, r -> r.recordWritten(write)); }

        @Override public void ended(RunEnd end) { each(runs, r -> r.ended(end)); }
    }

    private record Calls(List<ModelCallObserver> calls) implements ModelCallObserver {
        @Override
        public Map<String, String> headers() {
            Map<String, String> all = new HashMap<>();
            each(calls, c -> all.putAll(c.headers()));
            return all;
        }

        @Override
        public void retrying(String type, int status, int attempt, long delayMs, String detail) {
            each(calls, c -> c.retrying(type, status, attempt, delayMs, detail));
        }

        @Override public void rateLimit(Long req, Long tok) { each(calls, c -> c.rateLimit(req, tok)); }

        @Override public void firstChunk() { each(calls, ModelCallObserver::firstChunk); }

        @Override
        public void succeeded(int in, int out, String finish) { each(calls, c -> c.succeeded(in, out, finish)); }

        @Override
        public void failed(String type, int status, int attempts, int out, String detail) {
            each(calls, c -> c.failed(type, status, attempts, out, detail));
        }

        @Override public void cancelled() { each(calls, ModelCallObserver::cancelled); }
    }
}

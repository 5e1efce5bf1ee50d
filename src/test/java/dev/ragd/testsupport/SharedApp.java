package dev.ragd.testsupport;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit extension giving a test class a {@link RunningApp}. Starting ragd loads the embedding
 * model and indexes the sample corpus (seconds), so one app is started per distinct environment and
 * shared by every test class that registers the same environment; JUnit closes it when the whole
 * test run ends (it is an {@link AutoCloseable} in the root store). Tests must therefore find their
 * chat-log records by id, never assume the log holds only their own.
 *
 * <pre>{@code @RegisterExtension static final SharedApp APP = SharedApp.standard();}</pre>
 */
public final class SharedApp implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedApp.class);

    private final Map<String, String> env;
    private RunningApp app;

    private SharedApp(Map<String, String> env) {
        this.env = new TreeMap<>(env);
    }

    /**
     * Instant tokens and up to 10 requests in flight per native socket (the concurrency test sends
     * ten at once).
     */
    public static SharedApp standard() {
        return with(Map.of("RAGD_WS_MAX_INFLIGHT", "10"));
    }

    /** An app with these variables on top of {@link RunningApp#start}'s defaults. */
    public static SharedApp with(Map<String, String> env) {
        return new SharedApp(env);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        app = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("app " + env, key -> RunningApp.start(env), RunningApp.class);
    }

    public RunningApp get() {
        if (app == null) {
            throw new IllegalStateException("SharedApp must be registered with @RegisterExtension on a static field");
        }
        return app;
    }
}

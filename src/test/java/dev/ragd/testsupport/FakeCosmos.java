package dev.ragd.testsupport;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * {@link FakeCosmosGateway} for tests that only need a Cosmos chat log (the CLI's): a gateway with
 * the default database, container and partition key ({@code /id}), and the environment that points
 * ragd at it. The SDK must accept its self-signed certificate: {@link #start} sets
 * {@link #TRUST_PROPERTY} in this JVM; a child JVM needs {@code -D}{@value #TRUST_PROPERTY}{@code =true}.
 */
public final class FakeCosmos implements AutoCloseable {

    public static final String TRUST_PROPERTY = "COSMOS.EMULATOR_SERVER_CERTIFICATE_VALIDATION_DISABLED";

    private final FakeCosmosGateway gateway;
    private final String key;

    private FakeCosmos(FakeCosmosGateway gateway, String key) {
        this.gateway = gateway;
        this.key = key;
    }

    /** Starts a gateway on a free port; {@code dir} holds its key store. */
    public static FakeCosmos start(Path dir) throws Exception {
        System.setProperty(TRUST_PROPERTY, "true");
        byte[] raw = new byte[64];
        new SecureRandom().nextBytes(raw);
        String key = Base64.getEncoder().encodeToString(raw);
        return new FakeCosmos(new FakeCosmosGateway(FakeCosmosGateway.selfSignedKeyStore(dir, "changeit"), "changeit",
                "ragchat_info", "ragchat_logs", "/id", key), key);
    }

    /** {@code RAGD_CHATLOG=cosmos} with this gateway's endpoint and key. */
    public Map<String, String> env() {
        return Map.of("RAGD_CHATLOG", "cosmos", "COSMOSDB_URI", gateway.endpoint(), "COSMOSDB_KEY", key);
    }

    /** Forgets every stored item. */
    public void clear() {
        gateway.documents.clear();
    }

    @Override
    public void close() throws Exception {
        gateway.close();
    }
}

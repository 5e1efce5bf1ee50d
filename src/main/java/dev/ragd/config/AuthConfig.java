package dev.ragd.config;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may connect ({@code RAGD_AUTH}) and with which credentials, and whether retrieval is
 * filtered by the caller's access ({@code RAGD_ENFORCE_ACCESS}). Read once and validated;
 * {@link #toString()} never shows a key.
 *
 * @param mode          {@code none} (default; every caller is anonymous, known by address),
 *                      {@code api-key} or {@code jwt}
 * @param apiKeys       the accepted keys ({@code RAGD_API_KEYS}, comma-separated, and the lines of
 *                      {@code RAGD_API_KEYS_FILE}); an entry {@code name=key} names the identity the
 *                      key stands for, a bare key stands for {@code key-<its hash prefix>} (secret)
 * @param apiKeysFile   {@code RAGD_API_KEYS_FILE}, a mounted secret with one key per line, or {@code null}
 * @param jwtIssuer     {@code RAGD_JWT_ISSUER}: the exact {@code iss} a token must carry
 * @param jwtAudience   {@code RAGD_JWT_AUDIENCE}: a value the token's {@code aud} must contain
 * @param jwtJwksUrl    {@code RAGD_JWT_JWKS_URL}: where the issuer's signing keys are published
 * @param jwtUserClaim  {@code RAGD_JWT_USER_CLAIM}: the claim naming the user (default {@code sub})
 * @param jwtGroupsClaim {@code RAGD_JWT_GROUPS_CLAIM}: the claim listing the user's groups (default {@code groups})
 * @param enforceAccess {@code RAGD_ENFORCE_ACCESS}: filter every search by the caller's access lists
 * @param ticketTtlMs   {@code RAGD_WS_TICKET_TTL_MS}: how long a WebSocket ticket may wait to be used
 * @param inlineKeys    how many of {@code apiKeys}, first, came from {@code RAGD_API_KEYS} (the rest from the file)
 */
public record AuthConfig(String mode, List<String> apiKeys, Path apiKeysFile, String jwtIssuer, String jwtAudience,
        String jwtJwksUrl, String jwtUserClaim, String jwtGroupsClaim, boolean enforceAccess, int ticketTtlMs,
        int inlineKeys) {

    public static final Set<String> SECRETS = Set.of("RAGD_API_KEYS");
    /** The shortest key accepted: a short key can be guessed online. */
    public static final int MIN_KEY_CHARS = 16;
    /**
     * Characters a key may hold: those of an HTTP token (RFC 9110) that are also safe unescaped in a
     * header, so that a key travels the same way in {@code Authorization} and {@code Sec-WebSocket-Protocol}.
     */
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._~+-]+");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@+-]{1,128}");

    public AuthConfig {
        apiKeys = List.copyOf(apiKeys);
    }

    public static AuthConfig from(Env env) {
        String mode = env.oneOf("RAGD_AUTH", "none", Set.of("none", "api-key", "jwt"));
        Path file = env.raw("RAGD_API_KEYS_FILE") == null ? null : Path.of(env.raw("RAGD_API_KEYS_FILE"));
        List<String> inline = entries(env.raw("RAGD_API_KEYS"), ",", "RAGD_API_KEYS");
        List<String> keys = withFileKeys(inline, file);
        AuthConfig c = new AuthConfig(mode, keys, file,
                env.string("RAGD_JWT_ISSUER", null), env.string("RAGD_JWT_AUDIENCE", null),
                env.string("RAGD_JWT_JWKS_URL", null), env.string("RAGD_JWT_USER_CLAIM", "sub"),
                env.string("RAGD_JWT_GROUPS_CLAIM", "groups"), env.bool("RAGD_ENFORCE_ACCESS", false),
                env.integer("RAGD_WS_TICKET_TTL_MS", 30_000, 1_000, 600_000), inline.size());
        c.validate();
        return c;
    }

    /**
     * The keys as they are now: those of {@code RAGD_API_KEYS} and the current lines of
     * {@code RAGD_API_KEYS_FILE}, re-read (a rotated secret is remounted in place). Blocking file
     * I/O; fails with a {@link ConfigException} naming the file or entry.
     */
    public List<String> currentKeys() {
        return withFileKeys(apiKeys.subList(0, inlineKeys), apiKeysFile);
    }

    /** {@code inline} followed by the current lines of {@code file} (none when {@code null}). */
    private static List<String> withFileKeys(List<String> inline, Path file) {
        List<String> keys = new ArrayList<>(inline);
        if (file != null) {
            keys.addAll(entries(readKeysFile(file), "\n", "RAGD_API_KEYS_FILE"));
        }
        return keys;
    }

    /** True unless {@code RAGD_AUTH=none}. */
    public boolean required() {
        return !"none".equals(mode);
    }

    private void validate() {
        switch (mode) {
            case "api-key" -> {
                if (apiKeys.isEmpty()) {
                    throw new ConfigException("RAGD_AUTH=api-key needs at least one key in RAGD_API_KEYS or RAGD_API_KEYS_FILE");
                }
            }
            case "jwt" -> {
                require("RAGD_JWT_ISSUER", jwtIssuer);
                require("RAGD_JWT_AUDIENCE", jwtAudience);
                require("RAGD_JWT_JWKS_URL", jwtJwksUrl);
                URI u;
                try {
                    u = URI.create(jwtJwksUrl);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("RAGD_JWT_JWKS_URL='" + jwtJwksUrl + "' is not a URL");
                }
                if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null) {
                    throw new ConfigException("RAGD_JWT_JWKS_URL='" + jwtJwksUrl
                            + "' must be an http(s) URL, e.g. https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys");
                }
            }
            default -> { }
        }
        if (enforceAccess && !required()) {
            throw new ConfigException("RAGD_ENFORCE_ACCESS=true needs RAGD_AUTH=api-key or jwt:"
                    + " access lists name users and groups, which an anonymous caller has none of");
        }
    }

    private static void require(String name, String value) {
        if (value == null) {
            throw new ConfigException(name + " is required when RAGD_AUTH=jwt");
        }
    }

    /** The entries of a key list, each checked; a message never shows a key, only its position. */
    static List<String> entries(String raw, String separator, String variable) {
        List<String> out = new ArrayList<>();
        if (raw == null) {
            return out;
        }
        String[] parts = raw.split(separator);
        for (int i = 0; i < parts.length; i++) {
            String e = parts[i].strip();
            if (e.isEmpty() || e.startsWith("#")) {
                continue;
            }
            int eq = e.indexOf('=');
            String name = eq < 0 ? null : e.substring(0, eq).strip();
            String key = eq < 0 ? e : e.substring(eq + 1).strip();
            String where = variable + " entry " + (i + 1);
            if (name != null && !NAME.matcher(name).matches()) {
                throw new ConfigException(where + ": the name before '=' must be 1-128 letters, digits or ._@+-");
            }
            if (key.length() < MIN_KEY_CHARS) {
                throw new ConfigException(where + ": a key must be at least " + MIN_KEY_CHARS + " characters");
            }
            if (!KEY.matcher(key).matches()) {
                throw new ConfigException(where + ": a key may hold only letters, digits and . _ ~ + -");
            }
            out.add(name == null ? key : name + "=" + key);
        }
        return out;
    }

    private static String readKeysFile(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("RAGD_API_KEYS_FILE=" + file + " cannot be read: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "AuthConfig" + describe();
    }

    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("RAGD_AUTH", mode);
        m.put("RAGD_API_KEYS", apiKeys.isEmpty() ? "" : "**** (" + apiKeys.size() + " keys)");
        m.put("RAGD_API_KEYS_FILE", RagdConfig.unset(apiKeysFile == null ? null : apiKeysFile.toString()));
        m.put("RAGD_JWT_ISSUER", RagdConfig.unset(jwtIssuer));
        m.put("RAGD_JWT_AUDIENCE", RagdConfig.unset(jwtAudience));
        m.put("RAGD_JWT_JWKS_URL", RagdConfig.unset(jwtJwksUrl));
        m.put("RAGD_JWT_USER_CLAIM", jwtUserClaim);
        m.put("RAGD_JWT_GROUPS_CLAIM", jwtGroupsClaim);
        m.put("RAGD_ENFORCE_ACCESS", Boolean.toString(enforceAccess));
        m.put("RAGD_WS_TICKET_TTL_MS", Integer.toString(ticketTtlMs));
        return m;
    }
}

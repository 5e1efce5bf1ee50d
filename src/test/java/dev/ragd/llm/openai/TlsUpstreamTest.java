package dev.ragd.llm.openai;

import static dev.ragd.llm.openai.FakeUpstream.answer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.config.Env;
import dev.ragd.config.LlmConfig;
import dev.ragd.llm.UpstreamException.Kind;
import dev.ragd.llm.Usage;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** https upstreams are spoken to over TLS, with the certificate and host name verified. */
class TlsUpstreamTest {

    private final SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");

    @Test
    void https_upstream_streams_over_tls_when_its_certificate_is_trusted() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream(answer(0, "Secure", " answer."),
                new HttpServerOptions().setSsl(true).setKeyCertOptions(cert.keyCertOptions()));
             GeneratorHarness harness = new GeneratorHarness(upstream)) {
            Map<String, String> env = harness.openAiEnv();
            env.put("OPENAI_BASE_URL", "https://localhost:" + upstream.port() + "/v1");
            var generator = new OpenAiStreamingGenerator(harness.vertx, LlmConfig.from(new Env(env)), null,
                    options -> options.setTrustOptions(cert.trustOptions()));

            var run = harness.start(generator);

            assertThat(run.usage()).isEqualTo(new Usage(42, 2));
            assertThat(run.text()).isEqualTo("Secure answer.");
        }
    }

    @Test
    void untrusted_certificate_fails_without_sending_the_request() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream(answer(0, "x"),
                new HttpServerOptions().setSsl(true).setKeyCertOptions(cert.keyCertOptions()));
             GeneratorHarness harness = new GeneratorHarness(upstream)) {
            Map<String, String> env = harness.openAiEnv();
            env.put("OPENAI_BASE_URL", "https://localhost:" + upstream.port() + "/v1");
            env.put("RAGD_LLM_MAX_RETRIES", "0");

            var error = harness.start(harness.generator(env)).error();

            assertThat(error.kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(upstream.requests).isEmpty();
        }
    }
}

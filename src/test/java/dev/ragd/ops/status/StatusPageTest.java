package dev.ragd.ops.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StatusPageTest {

    @Test
    void theCspAllowsThePagesOwnInlineStyleAndScriptByHashAndNothingFromElsewhere() {
        StatusPage page = StatusPage.load();
        String csp = page.headers().get("content-security-policy");
        String script = StatusPage.inline(page.html(), "script");
        String style = StatusPage.inline(page.html(), "style");

        assertThat(csp).startsWith("default-src 'none';")
                .contains("script-src '" + StatusPage.hash(script) + "'", "style-src '" + StatusPage.hash(style) + "'",
                        "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'")
                .doesNotContain("unsafe", "http:", "https:", "*");
        assertThat(script).contains("fetch(").doesNotContain("innerHTML", "eval(", "https://");
        assertThat(script.replace("\"http://www.w3.org/2000/svg\"", "")).as("only the SVG namespace").doesNotContain("http://");
        assertThat(page.html()).doesNotContainPattern("(?i)(src|href)=\"(https?:)?//")
                .doesNotContainPattern("\\sstyle=\"");
        assertThat(page.headers()).containsEntry("x-content-type-options", "nosniff");
    }

    @Test
    void aPageWithoutExactlyOneScriptIsRefused() {
        assertThatThrownBy(() -> StatusPage.of("<style></style><script>a</script><script>b</script>"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> StatusPage.of("<style></style>")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theHashIsTheCspSha256OfTheExactText() {
        // the CSP spec's own example: sha256 of "alert('Hello, world.');"
        assertThat(StatusPage.hash("alert('Hello, world.');"))
                .isEqualTo("sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng=");
    }
}

package dev.ragd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SearchConfigTest {

    private static SearchConfig read(String... pairs) {
        Map<String, String> vars = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            vars.put(pairs[i], pairs[i + 1]);
        }
        return SearchConfig.from(new Env(vars));
    }

    private static SearchConfig azure(String... more) {
        String[] base = {"RAGD_RETRIEVER", "azure-ai-search", "AI_SEARCH_ENDPOINT", "https://s.search.windows.net",
                "AI_SEARCH_NAME", "products", "AI_SEARCH_KEY", "secret-key-123"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return read(all);
    }

    @Test
    void defaultsAreTheEmbeddedIndexAndNoAzureSettingIsNeeded() {
        SearchConfig c = read();
        assertThat(c.azure()).isFalse();
        assertThat(c.mode()).isEqualTo("hybrid");
        assertThat(c.contentFields()).containsExactly("content");
        assertThat(c.budgetMs()).isEqualTo(10_000);
    }

    @Test
    void theBooksIndexIsDescribedByItsFieldNames() {
        SearchConfig c = azure("RAGD_SEARCH_CONTENT_FIELDS", " Summary , ProductDescription ", "RAGD_SEARCH_TITLE_FIELD",
                "ProductName", "RAGD_SEARCH_VECTOR_FIELD", "Vector");
        assertThat(c.contentFields()).containsExactly("Summary", "ProductDescription");
        assertThat(c.usesText()).isTrue();
        assertThat(c.usesVectors()).isTrue();
        assertThat(c.describe()).containsEntry("AI_SEARCH_KEY", "****").containsEntry("RAGD_SEARCH_CONTENT_FIELDS",
                "Summary,ProductDescription");
        assertThat(c.toString()).doesNotContain("secret-key-123");
    }

    @Test
    void eachBadSettingIsNamed() {
        assertThatThrownBy(() -> read("RAGD_RETRIEVER", "elastic")).hasMessageContaining("RAGD_RETRIEVER");
        assertThatThrownBy(() -> read("RAGD_RETRIEVER", "azure-ai-search")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("AI_SEARCH_ENDPOINT is required");
        assertThatThrownBy(() -> azure("AI_SEARCH_ENDPOINT", "s.search.windows.net")).hasMessageContaining("AI_SEARCH_ENDPOINT='s.search");
        assertThatThrownBy(() -> azure("AI_SEARCH_ENDPOINT", "https://s.search.windows.net/indexes/x"))
                .hasMessageContaining("must be the service URL");
        assertThatThrownBy(() -> azure("AI_SEARCH_NAME", "Products_1")).hasMessageContaining("AI_SEARCH_NAME='Products_1'");
        assertThatThrownBy(() -> azure("AI_SEARCH_KEY", " ")).hasMessageContaining("AI_SEARCH_KEY is required");
        assertThatThrownBy(() -> azure("AI_SEARCH_AUTH", "password")).hasMessageContaining("AI_SEARCH_AUTH");
        assertThatThrownBy(() -> azure("RAGD_SEARCH_MODE", "fuzzy")).hasMessageContaining("RAGD_SEARCH_MODE");
        assertThatThrownBy(() -> azure("RAGD_SEARCH_CONTENT_FIELDS", " , ")).hasMessageContaining("RAGD_SEARCH_CONTENT_FIELDS");
        assertThatThrownBy(() -> azure("RAGD_SEARCH_TITLE_FIELD", "Product Name")).hasMessageContaining("'Product Name'");
        assertThatThrownBy(() -> azure("RAGD_SEARCH_VECTORIZE", "service", "RAGD_SEARCH_MODE", "keyword"))
                .hasMessageContaining("RAGD_SEARCH_VECTORIZE=service");
        assertThatThrownBy(() -> azure("RAGD_SEARCH_BUDGET_MS", "5")).hasMessageContaining("RAGD_SEARCH_BUDGET_MS");
    }

    @Test
    void entraNeedsNoKey() {
        assertThat(read("RAGD_RETRIEVER", "azure-ai-search", "AI_SEARCH_ENDPOINT", "https://s.search.windows.net",
                "AI_SEARCH_NAME", "products", "AI_SEARCH_AUTH", "entra").auth()).isEqualTo("entra");
    }
}

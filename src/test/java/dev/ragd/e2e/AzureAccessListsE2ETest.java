package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.testsupport.FakeAzureSearch;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * {@link AccessListsContract} over Azure AI Search ({@link FakeAzureSearch}, which evaluates the
 * OData filter as the service's reference defines it): {@code ragd ingest} creates the index with
 * the access-list fields, and every search the server sends carries the caller's OData access clause.
 */
class AzureAccessListsE2ETest extends AccessListsContract {

    private FakeAzureSearch search;

    @Override
    protected Map<String, String> retrieverEnv() throws Exception {
        search = new FakeAzureSearch("acl-key");
        return Map.of("RAGD_RETRIEVER", "azure-ai-search", "AI_SEARCH_ENDPOINT", search.endpoint(),
                "AI_SEARCH_NAME", "orion", "AI_SEARCH_KEY", "acl-key");
    }

    @Override
    protected void searchedAs(String user) {
        assertThat(search.searches().getLast().json().getString("filter"))
                .startsWith("(allowed_users/any(u: u eq '" + user + "') or allowed_groups/any(g: search.in(g, ");
        assertThat(search.searches().getLast().json().getString("vectorFilterMode")).isEqualTo("preFilter");
    }

    @AfterAll
    void closeSearch() {
        if (search != null) {
            search.close();
        }
    }
}

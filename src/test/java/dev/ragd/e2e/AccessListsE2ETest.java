package dev.ragd.e2e;

import java.util.Map;

/** {@link AccessListsContract} over the embedded index: the lists are Lucene filter queries. */
class AccessListsE2ETest extends AccessListsContract {

    @Override
    protected Map<String, String> retrieverEnv() {
        return Map.of();
    }
}

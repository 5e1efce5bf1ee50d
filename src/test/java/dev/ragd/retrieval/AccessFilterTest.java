package dev.ragd.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.testsupport.TestEmbedders;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access lists in the embedded index: keyword, vector and hybrid search return only chunks the
 * caller may see, the nearest-neighbour search fills its k from allowed chunks even when every
 * nearer one is forbidden, and (property) no random assignment of lists ever lets a chunk through
 * that {@link Access#sees} would not.
 */
class AccessFilterTest {

    @TempDir
    Path dir;

    private static Chunk chunk(String id, String text, List<String> users, List<String> groups, float[] v) {
        return new Chunk(id + "#0", id, "Orion " + id, text, null, "h", v, users, groups);
    }

    private static float[] near(double x) {
        float[] v = new float[TestEmbedders.DIMENSIONS];
        v[0] = 1f;
        v[1] = (float) x;
        return v;
    }

    @Test
    void everyModeReturnsOnlyWhatTheCallerMaySeeAndKnnFillsItsCountFromAllowedChunks() throws Exception {
        try (LuceneIndex index = LuceneIndex.open(dir, "constant", TestEmbedders.DIMENSIONS)) {
            List<Chunk> chunks = new ArrayList<>();
            for (int i = 0; i < 20; i++) { // the twenty nearest are all forbidden to alice
                chunks.add(chunk("x" + i, "orion launch code secret " + i, List.of("mallory"), List.of(), near(i * 0.001)));
            }
            for (int i = 0; i < 5; i++) {
                chunks.add(chunk("ok" + i, "orion launch code public " + i, List.of(), List.of("sales"), near(1 + i)));
            }
            chunks.add(chunk("none", "orion launch code unlisted", List.of(), List.of(), near(0)));
            for (Chunk c : chunks) {
                index.replace(c.docId(), List.of(c));
            }
            index.commit();
            SearchFilter alice = SearchFilter.NONE.withAccess(new Access("alice", List.of("sales")));
            for (SearchMode mode : SearchMode.values()) {
                LuceneRetriever r = new LuceneRetriever(index, TestEmbedders.constant(near(0)), mode);
                List<Passage> hits = r.search("orion launch code", 5, alice).passages();
                assertThat(hits).as(mode.name()).hasSize(5).allSatisfy(p -> assertThat(p.docId()).startsWith("ok"));
            }
        }
    }

    @Provide
    Arbitrary<List<List<List<String>>>> assignments() {
        Arbitrary<List<String>> names = Arbitraries.of("alice", "bob", "carol", "eng", "sales", "*").list().ofMaxSize(3);
        return names.list().ofSize(2).list().ofMinSize(1).ofMaxSize(12);
    }

    @Property(tries = 60)
    void noChunkOutsideTheCallersListsIsEverReturned(@ForAll("assignments") List<List<List<String>>> lists,
            @ForAll("callers") String caller) throws Exception {
        Path d = java.nio.file.Files.createTempDirectory("ragd-acl-");
        try (LuceneIndex index = LuceneIndex.open(d, "constant", TestEmbedders.DIMENSIONS)) {
            for (int i = 0; i < lists.size(); i++) {
                index.replace("d" + i, List.of(chunk("d" + i, "orion launch code " + i, lists.get(i).get(0),
                        lists.get(i).get(1), near(i))));
            }
            index.commit();
            Access who = new Access(caller, caller.equals("alice") ? List.of("sales") : List.of("eng"));
            LuceneRetriever r = new LuceneRetriever(index, TestEmbedders.constant(near(0)), SearchMode.HYBRID);
            List<Passage> hits = r.search("orion launch code", 50, SearchFilter.NONE.withAccess(who)).passages();
            long allowed = lists.stream().filter(l -> who.sees(l.get(0), l.get(1))).count();
            assertThat(hits).hasSize((int) allowed).allSatisfy(p -> {
                List<List<String>> l = lists.get(Integer.parseInt(p.docId().substring(1)));
                assertThat(who.sees(l.get(0), l.get(1))).as(p.docId()).isTrue();
            });
        } finally {
            try (var paths = java.nio.file.Files.walk(d)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Provide
    Arbitrary<String> callers() {
        return Arbitraries.of("alice", "bob");
    }
}

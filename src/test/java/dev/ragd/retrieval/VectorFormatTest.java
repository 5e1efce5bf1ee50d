package dev.ragd.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.config.ConfigException;
import dev.ragd.config.Env;
import dev.ragd.config.RagdConfig;
import dev.ragd.testsupport.TestEmbedders;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Every vector format writes an index that a plain reader opens and searches to the right neighbour. */
class VectorFormatTest {

    @TempDir
    Path dir;

    static final int DIM = 64;

    @ParameterizedTest
    @EnumSource(VectorFormat.class)
    void anIndexWrittenInTheFormatIsSearchedByAPlainReader(VectorFormat format) throws Exception {
        Random r = new Random(7);
        List<float[]> vectors = new ArrayList<>();
        try (LuceneIndex index = LuceneIndex.open(dir, "fake", DIM, TextAnalysis.ENGLISH, format)) {
            for (int i = 0; i < 300; i++) {
                float[] v = new float[DIM];
                for (int k = 0; k < DIM; k++) {
                    v[k] = (float) r.nextGaussian();
                }
                vectors.add(v);
                index.replace("d" + i, List.of(new Chunk("d" + i + "#0", "d" + i, "Doc " + i, "text " + i, null, "h", v)));
            }
            index.commit();
        }
        String segmentFormat;
        try (var d = org.apache.lucene.store.FSDirectory.open(dir);
                var reader = org.apache.lucene.index.DirectoryReader.open(d)) {
            segmentFormat = reader.leaves().getFirst().reader().getFieldInfos().fieldInfo(LuceneIndex.VECTOR)
                    .getAttribute(org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat.PER_FIELD_FORMAT_KEY);
        }
        assertThat(segmentFormat).as("the segment records the format it was written in")
                .isEqualTo(format.newFormat().getName());
        try (LuceneIndex read = LuceneIndex.openReadOnly(dir, "fake", DIM)) {
            Embedder probe = TestEmbedders.constant(vectors.get(42));
            var hits = new LuceneRetriever(read, probe, SearchMode.VECTOR).search("anything", 3, SearchFilter.NONE).passages();
            assertThat(hits).as(format.value()).first().extracting(Passage::docId).isEqualTo("d42");
        }
    }

    @Test
    void theSettingIsReadAndABadValueIsRefusedNamingIt() {
        assertThat(RagdConfig.from(new Env(Map.of("RAGD_VECTOR_FORMAT", "int4"))).search().vectorFormat()).isEqualTo("int4");
        assertThat(RagdConfig.from(new Env(Map.of())).search().vectorFormat()).isEqualTo("float");
        assertThatThrownBy(() -> RagdConfig.from(new Env(Map.of("RAGD_VECTOR_FORMAT", "int8"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("RAGD_VECTOR_FORMAT");
        assertThatThrownBy(() -> VectorFormat.of("pq")).hasMessageContaining("unknown vector format pq");
    }
}

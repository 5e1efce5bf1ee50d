package dev.ragd.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class MockEmbeddingsTest {

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot;
    }

    @Test
    void sameTextGivesTheSameUnitVector() {
        float[] a = MockEmbeddings.embed("Tomatoes need full sun", 1536);
        float[] b = MockEmbeddings.embed("Tomatoes need full sun", 1536);

        assertThat(a).hasSize(1536).containsExactly(b);
        assertThat(cosine(a, a)).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void caseAndPunctuationDoNotChangeTheVector() {
        assertThat(MockEmbeddings.embed("Tomatoes, need SUN!", 64)).containsExactly(MockEmbeddings.embed("tomatoes need sun", 64));
    }

    @Test
    void textsSharingWordsAreCloserThanUnrelatedTexts() {
        float[] q = MockEmbeddings.embed("how much sun do tomatoes need", 256);
        float[] related = MockEmbeddings.embed("tomatoes grow best in full sun", 256);
        float[] unrelated = MockEmbeddings.embed("the invoice is due on friday", 256);

        assertThat(cosine(q, related)).isGreaterThan(cosine(q, unrelated) + 0.2);
    }

    @Test
    void dimensionsAreHonouredAndTextWithoutWordsStillGetsAUnitVector() {
        float[] v = MockEmbeddings.embed("?!", 3);

        assertThat(v).hasSize(3);
        assertThat(cosine(v, v)).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void base64IsLittleEndianFloat32() {
        float[] v = MockEmbeddings.embed("basil", 8);

        ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(MockEmbeddings.base64(v))).order(ByteOrder.LITTLE_ENDIAN);

        for (float x : v) {
            assertThat(buf.getFloat()).isEqualTo(x);
        }
        assertThat(buf.hasRemaining()).isFalse();
    }
}

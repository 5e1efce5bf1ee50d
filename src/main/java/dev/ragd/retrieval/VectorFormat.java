package dev.ragd.retrieval;

import java.util.Arrays;
import java.util.Locale;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene102.Lucene102HnswBinaryQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;

/**
 * How the embedded index stores and searches its vectors ({@code RAGD_VECTOR_FORMAT}), all HNSW
 * graphs with Lucene's default graph settings. The quantized formats search a compact copy of the
 * vectors (the float vectors stay on disk for merging and re-scoring), trading a little recall for
 * memory: {@code int7} one byte per dimension (Lucene's scalar quantization; 7 bits, so that the
 * dot product of two signed bytes cannot overflow), {@code int4} half a byte, {@code bbq} one bit
 * (Lucene's binary quantization, with re-scoring). Each segment records its format, so any Lucene
 * 10 reader opens an index of any of them, and segments written under different settings mix.
 */
public enum VectorFormat {
    FLOAT, INT7, INT4, BBQ;

    /** The setting's value, e.g. {@code int7}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The format named {@code value}. */
    public static VectorFormat of(String value) {
        return Arrays.stream(values()).filter(f -> f.value().equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown vector format " + value));
    }

    KnnVectorsFormat newFormat() {
        return switch (this) {
            case FLOAT -> new Lucene99HnswVectorsFormat();
            case INT7 -> new Lucene99HnswScalarQuantizedVectorsFormat(Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN,
                    Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH, 1, 7, false, null, null);
            case INT4 -> new Lucene99HnswScalarQuantizedVectorsFormat(Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN,
                    Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH, 1, 4, true, null, null);
            case BBQ -> new Lucene102HnswBinaryQuantizedVectorsFormat();
        };
    }
}

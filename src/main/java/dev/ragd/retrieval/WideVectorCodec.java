package dev.ragd.retrieval;

import java.io.IOException;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.lucene103.Lucene103Codec;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

/**
 * The default Lucene codec, but accepting vectors of up to {@value #MAX_DIMENSIONS} dimensions
 * (Lucene's default limit is 1024; hosted embedding models such as OpenAI's use 1536 or 3072), in
 * the {@link VectorFormat} chosen. Only the writer needs it: segments are written in a standard
 * vector format under its standard name, so any Lucene 10 reader opens them.
 */
final class WideVectorCodec extends Lucene103Codec {

    static final int MAX_DIMENSIONS = 4096;

    private final KnnVectorsFormat hnsw;
    private final KnnVectorsFormat wide;

    WideVectorCodec() {
        this(VectorFormat.FLOAT);
    }

    /** A codec writing vectors in {@code format}. */
    WideVectorCodec(VectorFormat format) {
        this.hnsw = format.newFormat();
        this.wide = wide(hnsw);
    }

    private static KnnVectorsFormat wide(KnnVectorsFormat hnsw) {
        return new KnnVectorsFormat(hnsw.getName()) {
            @Override
            public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
                return hnsw.fieldsWriter(state);
            }

            @Override
            public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
                return hnsw.fieldsReader(state);
            }

            @Override
            public int getMaxDimensions(String fieldName) {
                return MAX_DIMENSIONS;
            }
        };
    }

    @Override
    public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
        return wide;
    }
}

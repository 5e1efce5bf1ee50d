package dev.ragd.cli;

import dev.ragd.config.RagdConfig;
import dev.ragd.eval.StarterSet;
import dev.ragd.ingest.SampleCorpusBootstrap;
import dev.ragd.retrieval.LuceneStack;
import dev.ragd.retrieval.Passage;
import dev.ragd.retrieval.Retrieval;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ragd eval generate}: a starter question set from the embedded index's structured records. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Writes a starter question set (JSON Lines) from the embedded index (RAGD_INDEX_DIR):",
                "\"who made X / what is the Y of X\" questions from records with metadata fields, each with",
                "its expected document and fact. Review it, then add follow-ups and questions to refuse."})
final class EvalGenerateCommand implements Callable<Integer> {

    private final CliContext ctx;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "-",
            description = "Where to write the set (default: stdout).")
    private String out;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "200",
            description = "At most N questions (default: ${DEFAULT-VALUE}).")
    private int limit;

    @Option(names = "--per-document", paramLabel = "N", defaultValue = "2",
            description = "At most N questions per document (default: ${DEFAULT-VALUE}).")
    private int perDocument;

    EvalGenerateCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        if (limit < 1 || perDocument < 1) {
            ctx.err().println("ragd eval generate: " + (limit < 1 ? "--limit " + limit : "--per-document " + perDocument)
                    + " must be at least 1");
            return 2;
        }
        RagdConfig config = RagdConfig.from(ctx.env());
        if (config.search().azure()) {
            ctx.err().println("ragd eval generate: reads the embedded index only (RAGD_RETRIEVER is azure-ai-search);"
                    + " generate from the records you ingest instead");
            return 2;
        }
        List<Passage> chunks = new ArrayList<>();
        try (LuceneStack lucene = Retrieval.open(config)) {
            SampleCorpusBootstrap.seedIfNew(lucene, config);
            lucene.index().forEachChunk(chunks::add);
        }
        List<String> lines = StarterSet.lines(StarterSet.documents(chunks), perDocument, limit);
        if (lines.isEmpty()) {
            ctx.err().println("ragd eval generate: the index holds no titled records with 'Label: value' fields"
                    + " (ingest CSV, JSON Lines or SQL records with --title-column and --metadata-columns)");
            return 1;
        }
        if ("-".equals(out)) {
            lines.forEach(ctx.out()::println);
            ctx.out().flush();
        } else {
            Path file = ctx.workDir().resolve(out);
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8); PrintWriter p = new PrintWriter(w)) {
                lines.forEach(p::println);
            }
        }
        ctx.err().println("ragd eval generate: " + lines.size() + " questions" + ("-".equals(out) ? "" : " in " + out));
        ctx.err().flush();
        return 0;
    }
}

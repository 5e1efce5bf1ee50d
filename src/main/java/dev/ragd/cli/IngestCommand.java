package dev.ragd.cli;

import dev.ragd.config.ConfigException;
import dev.ragd.config.Env;
import dev.ragd.config.RagdConfig;
import dev.ragd.config.SearchConfig;
import dev.ragd.ingest.Chunker;
import dev.ragd.ingest.Format;
import dev.ragd.ingest.IngestException;
import dev.ragd.ingest.IngestStats;
import dev.ragd.ingest.Ingestor;
import dev.ragd.ingest.Loaders;
import dev.ragd.ingest.RecordOptions;
import dev.ragd.ingest.SourceFiles;
import dev.ragd.ingest.SqlSource;
import dev.ragd.ingest.SourceFiles.SourceFile;
import dev.ragd.retrieval.ChunkStore;
import dev.ragd.retrieval.Embedder;
import dev.ragd.retrieval.Embedders;
import dev.ragd.retrieval.LuceneIndex;
import dev.ragd.retrieval.Retrieval;
import dev.ragd.retrieval.TextAnalysis;
import dev.ragd.retrieval.VectorFormat;
import dev.ragd.retrieval.azure.AzureSearchChunkStore;
import dev.ragd.retrieval.azure.AzureSearchClients;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ragd ingest}: loads files into the index under the data directory. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Ingest files into the index in RAGD_DATA_DIR/index (created when missing), or with",
                "--target azure-ai-search into the Azure AI Search index AI_SEARCH_NAME (created when missing).",
                "Folders recurse; the format comes from the file extension unless --format is given.",
                "Unchanged documents are skipped, changed ones replaced, records marked deleted removed."})
final class IngestCommand implements Callable<Integer> {

    private final CliContext ctx;
    private final Supplier<Embedder> embedders;

    @Option(names = "--format", paramLabel = "FORMAT", description = "csv, jsonl, md, txt, html or pdf")
    String format;

    @Option(names = "--id-column", paramLabel = "C", description = "CSV/JSONL column with the document id (default: id)")
    String idColumn;

    @Option(names = "--title-column", paramLabel = "C", description = "CSV/JSONL column with the title (default: title or name)")
    String titleColumn;

    @Option(names = "--text-columns", paramLabel = "C", split = ",", description = "CSV/JSONL columns forming the text")
    List<String> textColumns = new ArrayList<>();

    @Option(names = "--metadata-columns", paramLabel = "C", split = ",",
            description = "CSV/JSONL columns added as 'Column: value' lines (default, with no text columns: all others)")
    List<String> metadataColumns = new ArrayList<>();

    @Option(names = "--deleted-column", paramLabel = "C", description = "CSV/JSONL column marking deleted records (true/1/yes)")
    String deletedColumn;

    @Option(names = "--target", paramLabel = "T", description = "lucene (default) or azure-ai-search")
    String target = "lucene";

    @Option(names = "--batch-size", paramLabel = "N",
            description = "azure-ai-search: documents per upload batch (1-1000, default ${DEFAULT-VALUE})")
    int batchSize = 100;

    @Option(names = "--concurrency", paramLabel = "N",
            description = "azure-ai-search: upload batches in flight at once (1-32, default ${DEFAULT-VALUE})")
    int concurrency = 2;

    @Option(names = "--embed-batch", paramLabel = "N",
            description = "chunks per embedding call (1-2048; default 32 in-process, 64 OpenAI, 16 Azure OpenAI)")
    Integer embedBatch;

    @Option(names = "--embed-concurrency", paramLabel = "N",
            description = "embedding calls at once (1-64; default 2 in-process, 4 for a hosted model)")
    Integer embedConcurrency;

    @Option(names = "--sql", paramLabel = "JDBC_URL",
            description = "read records from a database instead of files: jdbc:sqlite:FILE or jdbc:postgresql://…")
    String sql;

    @Option(names = "--query", paramLabel = "SQL", description = "with --sql: the SELECT that returns the records")
    String query;

    @Option(names = "--modified-column", paramLabel = "C", description = "with --sql and --since: the column of each record's last change")
    String modifiedColumn;

    @Option(names = "--since", paramLabel = "T",
            description = "with --modified-column: read only records changed after T (compared as text: ISO dates)")
    String since;

    @Parameters(paramLabel = "PATH", arity = "0..*", description = "files or folders to ingest")
    List<Path> paths = new ArrayList<>();

    IngestCommand(CliContext ctx) {
        this(ctx, null);
    }

    /** @param embedders the embedder to use, or {@code null} for the configured one ({@code RAGD_EMBEDDINGS}) */
    IngestCommand(CliContext ctx, Supplier<Embedder> embedders) {
        this.ctx = ctx;
        this.embedders = embedders;
    }

    @Override
    public Integer call() {
        RagdConfig config = RagdConfig.from(ctx.env());
        List<SourceFile> files;
        RecordOptions options;
        String sources = sourceProblem();
        if (sources != null) {
            ctx.err().println("ragd ingest: " + sources);
            return 2;
        }
        try {
            Format forced = format == null ? null : Format.parse(format);
            List<Path> resolved = paths.stream().map(p -> ctx.workDir().resolve(p)).toList();
            files = sql != null ? List.of() : SourceFiles.list(resolved, forced);
            options = new RecordOptions(idColumn, titleColumn, textColumns, metadataColumns, deletedColumn, null);
        } catch (IngestException e) {
            ctx.err().println("ragd ingest: " + e.getMessage());
            return 2;
        }
        if (!target.equals("lucene") && !target.equals("azure-ai-search")) {
            ctx.err().println("ragd ingest: --target must be lucene or azure-ai-search, not " + target);
            return 2;
        }
        if (batchSize < 1 || batchSize > 1000 || concurrency < 1 || concurrency > 32) {
            ctx.err().println("ragd ingest: --batch-size must be 1-1000 and --concurrency 1-32");
            return 2;
        }
        if ((embedBatch != null && (embedBatch < 1 || embedBatch > 2048))
                || (embedConcurrency != null && (embedConcurrency < 1 || embedConcurrency > 64))) {
            ctx.err().println("ragd ingest: --embed-batch must be 1-2048 and --embed-concurrency 1-64");
            return 2;
        }
        if (files.isEmpty() && sql == null) {
            ctx.err().println("ragd ingest: no files of a known format (" + Format.names() + ") under " + paths);
            return 2;
        }
        SearchConfig search;
        try {
            Map<String, String> vars = new HashMap<>(ctx.env().withPrefix(""));
            vars.put("RAGD_RETRIEVER", target); // the target's settings are checked as a retriever's would be
            search = SearchConfig.from(new Env(vars));
        } catch (ConfigException e) {
            ctx.err().println("ragd ingest: " + e.getMessage());
            return 2;
        }
        IngestProgress progress = new IngestProgress(ctx.err(), System.console() != null, sql != null ? 1 : files.size());
        Embedder embedder = embedders == null ? Embedders.forIngestion(config.llm(), progress::waiting) : embedders.get();
        boolean hosted = !embedder.name().equals(Embedders.LOCAL_NAME);
        int batch = embedBatch != null ? embedBatch : !hosted ? Ingestor.DEFAULT_BATCH
                : embedder.name().startsWith("azure-openai:") ? Ingestor.AZURE_BATCH : Ingestor.HOSTED_BATCH;
        int inFlight = embedConcurrency != null ? embedConcurrency : hosted ? Ingestor.HOSTED_IN_FLIGHT : Ingestor.DEFAULT_IN_FLIGHT;
        // the ingestor closes first: a failed run stops its batches before the store is closed under them
        try (ChunkStore store = open(config, search, embedder);
             Ingestor ingestor = new Ingestor(store, embedder, new Chunker(config.chunkChars(), config.chunkOverlap()),
                     batch, inFlight)) {
            java.util.function.Consumer<dev.ragd.ingest.SourceDocument> sink = d -> {
                ingestor.accept(d);
                progress.tick(ingestor.seen(), ingestor.stats().chunks());
            };
            if (sql != null) {
                SqlSource.read(sql, query, modifiedColumn, since, options, sink);
                progress.fileDone(ingestor.seen(), ingestor.stats().chunks());
            }
            for (SourceFile f : files) {
                try (InputStream in = Files.newInputStream(f.path())) {
                    Loaders.load(in, f.path().toString(), f.id(), f.format(), options, sink);
                } catch (IOException e) {
                    throw new IngestException("cannot read " + f.path() + ": " + e.getMessage(), e);
                }
                progress.fileDone(ingestor.seen(), ingestor.stats().chunks());
            }
            IngestStats stats = ingestor.finish();
            progress.done();
            ctx.out().println("ingested " + stats.summary());
            ctx.out().flush();
            return 0;
        } catch (ConfigException e) {
            progress.done();
            ctx.err().println("ragd ingest: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            progress.done();
            ctx.err().println("ragd ingest: " + e.getMessage());
            return 1;
        }
    }

    /** What is wrong with the choice of sources (files, or --sql and its options), or null. */
    private String sourceProblem() {
        if (sql == null) {
            if (query != null || modifiedColumn != null || since != null) {
                return "--query, --modified-column and --since need --sql";
            }
            return paths.isEmpty() ? "give files or folders to ingest, or --sql JDBC_URL --query SQL" : null;
        }
        if (!paths.isEmpty()) {
            return "give files or --sql, not both";
        }
        if (query == null || query.isBlank()) {
            return "--sql needs --query (the SELECT that returns the records)";
        }
        if ((modifiedColumn == null) != (since == null)) {
            return "--modified-column and --since go together";
        }
        return null;
    }

    /** The store {@code --target} names: the embedded index, or the Azure AI Search index. */
    private ChunkStore open(RagdConfig config, SearchConfig search, Embedder embedder) {
        if (search.azure()) {
            return new AzureSearchChunkStore(new AzureSearchClients(search, null), search, embedder.dimension(), batchSize,
                    concurrency, 1_000);
        }
        return LuceneIndex.open(ctx.workDir().resolve(Retrieval.indexDir(config)), embedder.name(), embedder.dimension(),
                TextAnalysis.ENGLISH, VectorFormat.of(config.search().vectorFormat()));
    }
}

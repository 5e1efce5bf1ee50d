package dev.ragd.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/** Reads each supported format into {@link SourceDocument}s. */
public final class Loaders {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Loaders() {}

    /**
     * Reads {@code in} in {@code format} and passes every document to {@code sink}.
     *
     * @param name     file name or path, for titles and error messages
     * @param id       document id for one-document formats (ignored for CSV/JSONL)
     * @param options  record options for CSV/JSONL
     */
    public static void load(InputStream in, String name, String id, Format format, RecordOptions options,
                            Consumer<SourceDocument> sink) throws IOException {
        switch (format) {
            case CSV -> csv(in, name, options, sink);
            case JSONL -> jsonl(in, name, options, sink);
            case MD -> sink.accept(markdown(utf8(in), id, name));
            case TXT -> sink.accept(plain(utf8(in), id, name));
            case HTML -> sink.accept(html(utf8(in), id, name));
            case PDF -> sink.accept(pdf(in.readAllBytes(), id, name));
        }
    }

    static SourceDocument markdown(String text, String id, String name) {
        String title = null;
        for (String line : text.lines().toList()) {
            if (line.startsWith("# ")) {
                title = line.substring(2).strip();
                break;
            }
        }
        return SourceDocument.of(id, title == null ? baseName(name) : title, text.strip());
    }

    static SourceDocument plain(String text, String id, String name) {
        String first = text.lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
        String title = !first.isEmpty() && first.length() <= 100 ? first : baseName(name);
        return SourceDocument.of(id, title, text.strip());
    }

    static SourceDocument html(String html, String id, String name) {
        org.jsoup.nodes.Document doc = Jsoup.parse(html);
        doc.select("script, style, noscript, template").remove();
        String title = doc.title();
        if (title.isBlank()) {
            Element h1 = doc.selectFirst("h1");
            title = h1 == null ? baseName(name) : h1.text();
        }
        StringBuilder sb = new StringBuilder();
        NodeTraversor.traverse(new NodeVisitor() {
            @Override
            public void head(Node node, int depth) {
                if (node instanceof TextNode t) {
                    sb.append(t.text());
                } else if (node instanceof Element e && (e.isBlock() || e.nameIs("br"))) {
                    sb.append('\n');
                }
            }

            @Override
            public void tail(Node node, int depth) {
                if (node instanceof Element e && e.isBlock()) {
                    sb.append('\n');
                }
            }
        }, doc.body());
        String text = sb.toString().replaceAll("[ \\t\\x0B\\f\\r\\u00A0]+", " ")
                .replaceAll(" *\n *", "\n").replaceAll("\n{3,}", "\n\n").strip();
        return SourceDocument.of(id, title, text);
    }

    static SourceDocument pdf(byte[] bytes, String id, String name) throws IOException {
        try (PDDocument doc = Loader.loadPDF(bytes)) {
            String text = new PDFTextStripper().getText(doc);
            String title = doc.getDocumentInformation() == null ? null : doc.getDocumentInformation().getTitle();
            return SourceDocument.of(id, title == null || title.isBlank() ? baseName(name) : title, text.strip());
        } catch (IOException e) {
            throw new IngestException(name + ": not a readable PDF (" + e.getMessage() + ")", e);
        }
    }

    static void csv(InputStream in, String name, RecordOptions options, Consumer<SourceDocument> sink) throws IOException {
        CSVFormat fmt = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
                .setIgnoreEmptyLines(true).setTrim(true).setAllowMissingColumnNames(true).get();
        RecordMapper mapper = new RecordMapper(options, name);
        try (CSVParser parser = CSVParser.parse(new InputStreamReader(in, StandardCharsets.UTF_8), fmt)) {
            List<String> header = parser.getHeaderNames();
            mapper.checkColumns(header, name);
            for (CSVRecord r : parser) {
                Map<String, JsonNode> row = new LinkedHashMap<>();
                for (String col : header) {
                    row.put(col, RecordMapper.text(r.isSet(col) ? r.get(col) : null));
                }
                sink.accept(mapper.map(row, "line " + parser.getCurrentLineNumber()));
            }
        } catch (java.io.UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
            if (e instanceof IngestException) {
                throw e;
            }
            throw new IngestException(name + ": not valid CSV (" + e.getMessage() + ")", e);
        }
    }

    static void jsonl(InputStream in, String name, RecordOptions options, Consumer<SourceDocument> sink) throws IOException {
        RecordMapper mapper = new RecordMapper(options, name);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int n = 0;
        while ((line = reader.readLine()) != null) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IngestException(name + " line " + n + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
            }
            if (!node.isObject()) {
                throw new IngestException(name + " line " + n + ": expected a JSON object");
            }
            Map<String, JsonNode> row = new LinkedHashMap<>();
            node.properties().forEach(e -> row.put(e.getKey(), e.getValue()));
            if (!row.containsKey(options.idColumn())) {
                throw new IngestException(name + " line " + n + ": no field '" + options.idColumn() + "' (fields: "
                        + String.join(", ", row.keySet()) + "); name the id field with --id-column");
            }
            sink.accept(mapper.map(row, "line " + n));
        }
    }

    private static String utf8(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    static String baseName(String name) {
        String file = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }
}

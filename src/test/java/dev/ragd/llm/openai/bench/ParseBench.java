package dev.ragd.llm.openai.bench;

import dev.ragd.llm.openai.ChatChunk;
import dev.ragd.llm.openai.SseReader;
import io.vertx.core.buffer.Buffer;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Micro-benchmark of the per-token path of an OpenAI-compatible stream: one {@code data: ...\n\n}
 * event per Vert.x buffer, read by the SSE reader and parsed into a {@link ChatChunk}, the former
 * (tree, copying) code against the current (streaming) code. Prints ns/op and bytes allocated per op.
 * Not a test: run it by hand on a quiet machine, e.g.
 * <pre>
 * ./mvnw -B -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) dev.ragd.llm.openai.bench.ParseBench
 * for c in old-full new-full old-parse new-parse old-sse new-sse; do java -cp ... ParseBench 2000000 $c; done
 * </pre>
 */
public final class ParseBench {

    /** A typical content chunk as OpenAI sends it. */
    static final String CHUNK = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
            + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" warranty\"},\"finish_reason\":null}]}";
    static final String EVENT = "data: " + CHUNK + "\n\n";

    private static long sink;

    private ParseBench() {
    }

    /**
     * @param args optional: ops per round (default 2,000,000), then the names of the cases to run
     *             (default all; each case alone in a fresh JVM gives the cleanest numbers)
     */
    public static void main(String[] args) {
        int ops = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        List<String> only = args.length > 1 ? List.of(args).subList(1, args.length) : List.of();
        Buffer buffer = Buffer.buffer(EVENT);
        Consumer<String> oldParse = data -> sink += LegacyParsing.read(data).content().length();
        Consumer<String> newParse = data -> sink += ChatChunk.read(data).content().length();
        Consumer<String> keep = data -> sink += data.length();
        LegacyParsing.SseReader oldFull = new LegacyParsing.SseReader(oldParse);
        SseReader newFull = new SseReader(newParse);
        LegacyParsing.SseReader oldSse = new LegacyParsing.SseReader(keep);
        SseReader newSse = new SseReader(keep);

        List<Case> cases = List.of(
                new Case("old-full", "SseReader.feed(Buffer) + ChatChunk.read, former", () -> oldFull.feed(buffer)),
                new Case("new-full", "SseReader.feed(Buffer) + ChatChunk.read, new   ", () -> newFull.feed(buffer)),
                new Case("old-parse", "ChatChunk.read (readTree)                      ", () -> oldParse.accept(CHUNK)),
                new Case("new-parse", "ChatChunk.read (streaming JsonParser)          ", () -> newParse.accept(CHUNK)),
                new Case("old-sse", "SseReader.feed(Buffer), former                 ", () -> oldSse.feed(buffer)),
                new Case("new-sse", "SseReader.feed(Buffer), new                    ", () -> newSse.feed(buffer)))
                .stream().filter(c -> only.isEmpty() || only.contains(c.key)).toList();
        for (int warm = 0; warm < 3; warm++) {
            for (Case c : cases) {
                c.run(ops / 4);
            }
        }
        System.out.printf("%d ops per round, best and median of 5 rounds; event is %d bytes%n", ops, EVENT.length());
        for (Case c : cases) {
            double[] ns = new double[5];
            double alloc = 0;
            for (int round = 0; round < ns.length; round++) {
                long allocBefore = allocated();
                long t0 = System.nanoTime();
                c.run(ops);
                ns[round] = (System.nanoTime() - t0) / (double) ops;
                alloc = (allocated() - allocBefore) / (double) ops;
            }
            Arrays.sort(ns);
            System.out.printf("%-9s %s %7.1f ns/op (median %7.1f) %6.0f B/op%n", c.key, c.name, ns[0], ns[2], alloc);
        }
        System.out.println("(sink " + sink + ")");
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private record Case(String key, String name, Runnable op) {
        void run(int n) {
            for (int i = 0; i < n; i++) {
                op.run();
            }
        }
    }
}

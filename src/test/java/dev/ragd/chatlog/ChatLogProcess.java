package dev.ragd.chatlog;

import dev.ragd.testsupport.ChatRecords;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * A second JVM holding a {@link FileChatLog}, for cross-process tests. Arguments: {@code dir mode id}.
 * {@code halt}: upsert record {@code id}, print "written", then die at once (no shutdown hooks).
 * {@code hold}: upsert {@code id}, print "ready", then for every stdin line print the ids of
 * {@code recent(100)} comma-separated; on end of input close and exit.
 * {@code flood}: 8 threads upsert records {@code id-<thread>-<n>} until the process is killed, printing
 * each id once its upsert has returned. {@code count}: upsert {@code id-0} .. {@code id-999} from 4
 * threads, print "done", close and exit. Protocol lines start with
 * {@code @} so that log lines on stdout can be told apart ({@link #next}).
 */
public final class ChatLogProcess {

    public static void main(String[] args) throws Exception {
        FileChatLog log = new FileChatLog(Path.of(args[0]));
        if (args[1].equals("flood") || args[1].equals("count")) {
            write(log, args[2], args[1].equals("flood") ? 8 : 4, args[1].equals("flood") ? Integer.MAX_VALUE : 250);
            System.out.println("@done");
            System.out.flush();
            log.close();
            return;
        }
        log.upsert(ChatRecords.record(args[2], ChatRecords.T0));
        if (args[1].equals("halt")) {
            System.out.println("@written");
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
        System.out.println("@ready");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            System.out.println("@" + log.recent(100).stream().map(ChatRecord::id).collect(Collectors.joining(",")));
            System.out.flush();
        }
        log.close();
    }

    /** {@code threads} threads each upsert {@code perThread} records (about 3 KB), printing each id once written. */
    private static void write(FileChatLog log, String prefix, int threads, int perThread) throws InterruptedException {
        java.util.List<Thread> writers = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            writers.add(Thread.ofPlatform().start(() -> {
                for (int n = 0; n < perThread; n++) {
                    String id = prefix + "-" + (threads == 4 ? thread * perThread + n : thread + "-" + n);
                    log.upsert(ChatRecords.record(id, java.time.Instant.now(), "question " + n, "answer [1]. ".repeat(200)));
                    synchronized (System.out) {
                        System.out.println("@" + id);
                        System.out.flush();
                    }
                }
            }));
        }
        for (Thread t : writers) {
            t.join();
        }
    }

    /** The next protocol line without its {@code @}, or null at end of output. */
    static String next(BufferedReader out) throws java.io.IOException {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("@")) {
                return line.substring(1);
            }
        }
        return null;
    }

    /** Starts this class in a new JVM with the test classpath. */
    static Process start(Path dir, String mode, String id) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-DRAGD_LOG_LEVEL=WARN", ChatLogProcess.class.getName(), dir.toString(), mode, id)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }
}

package dev.ragd.chatlog;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * A second JVM holding a {@link FileChatLog}, for cross-process tests. Arguments: {@code dir mode id}.
 * {@code halt}: upsert record {@code id}, print "written", then die at once (no shutdown hooks).
 * {@code hold}: upsert {@code id}, print "ready", then for every stdin line print the ids of
 * {@code recent(100)} comma-separated; on end of input close and exit. Protocol lines start with
 * {@code @} so that log lines on stdout can be told apart ({@link #next}).
 */
public final class ChatLogProcess {

    public static void main(String[] args) throws Exception {
        FileChatLog log = new FileChatLog(Path.of(args[0]));
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

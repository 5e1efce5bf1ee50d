package dev.ragd.ops.loadtest.run;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@code ragd} command ({@code serve}, {@code mock-llm}) as a child JVM: the same java binary and
 * classpath as this process, so a rehearsal runs the very build that started it.
 *
 * @param java      the java launcher
 * @param classPath this process's classpath, absolute
 * @param jvmFlags  flags for every child (heap size and the like)
 */
record JavaChild(String java, String classPath, List<String> jvmFlags) {

    static JavaChild current(List<String> jvmFlags) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cp = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            cp.add(Path.of(entry).toAbsolutePath().toString());
        }
        return new JavaChild(java, String.join(File.pathSeparator, cp), List.copyOf(jvmFlags));
    }

    /** {@code ragd <args>} with {@code env} on top of this process's environment minus its ragd settings. */
    ProcessBuilder ragd(List<String> args, Map<String, String> env) {
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "--add-modules", "jdk.incubator.vector"));
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", classPath, "dev.ragd.Main"));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        // The rehearsal decides every setting of its children: a RAGD_* or PORT of the operator's
        // shell (say RAGD_CHATLOG=cosmos) must not leak into a replica.
        pb.environment().keySet().removeIf(k -> k.startsWith("RAGD_") || k.startsWith("OPENAI_")
                || k.startsWith("AZURE_") || k.startsWith("OTEL_") || k.equals("PORT"));
        pb.environment().putAll(env);
        return pb;
    }
}

package dev.gradc.bench;

import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The peers of the step benchmark, each in its own process per workload and thread count, on the
 * OpenBLAS kernel chosen for the CPU ({@link Cpu#bestCoreType()}): PyTorch eager
 * ({@code bench/peers/pytorch_step.py}) and DL4J ({@code bench/peers/dl4j}, a Maven project of its
 * own). Both print one flat JSON object per workload; {@link #parse} reads it.
 */
final class Peers {
    private Peers() {}

    /** One peer measurement: the median µs per step and what the peer says it ran on. */
    record Result(String peer, String workload, int threads, double medianUs, String blas, String kernel, String coreType) {
        /** Why no ratio may be printed against this measurement, or null. */
        String refusal() {
            return Cpu.refusal(kernel, coreType);
        }
    }

    /** A peer program: its name, how it describes itself, and how one measurement is started. */
    abstract static class Peer {
        final String name;

        Peer(String name) {
            this.name = name;
        }

        abstract String describe();

        /** The peer's command for one workload; {@code quick}: shorter warm-up and measurement (a smoke run). */
        abstract List<String> command(Workload w, boolean quick);

        /**
         * Runs {@code w} at {@code threads} threads with OpenBLAS forced to {@code coreType} (null:
         * OpenBLAS chooses) and returns the median. Every {@code OPENBLAS_*} variable of this
         * environment is removed for the peer first (some machines force AVX2 kernels and half the
         * L2 size with them); the thread counts go in the environment, since
         * {@code torch.set_num_threads} does not limit OpenBLAS.
         */
        Result run(Workload w, int threads, String coreType, boolean quick) throws IOException, InterruptedException {
            ProcessBuilder pb = new ProcessBuilder(command(w, quick));
            environment(pb.environment(), threads, coreType);
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
            System.err.println("running " + name + " " + w.name() + " on " + threads + " thread(s), OPENBLAS_CORETYPE="
                    + (coreType == null ? "(unset)" : coreType) + " ...");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) throw new IOException("the " + name + " peer failed on " + w + ":\n" + out);
            for (String line : out.split("\n")) {
                if (!line.startsWith("{")) continue;
                Map<String, String> m = parse(line);
                if (!w.name().equals(m.get("workload")) || m.get("median_us") == null) continue;
                return new Result(name, w.name(), threads, Double.parseDouble(m.get("median_us")), m.getOrDefault("blas", "unknown"),
                        m.getOrDefault("kernel", "unknown"), coreType);
            }
            throw new IOException("the " + name + " peer printed no median for " + w + ":\n" + out);
        }
    }

    /** The environment of a peer's process: no inherited OpenBLAS settings, the given core type and thread counts. */
    static void environment(Map<String, String> env, int threads, String coreType) {
        env.keySet().removeIf(k -> k.startsWith("OPENBLAS_") || k.startsWith("GOTO_"));
        if (coreType != null) env.put("OPENBLAS_CORETYPE", coreType);
        env.put("OMP_NUM_THREADS", Integer.toString(threads));
        env.put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
        env.put("MKL_NUM_THREADS", Integer.toString(threads));
        if (threads > 1) env.put("OMP_WAIT_POLICY", "PASSIVE"); // spinning OpenMP workers stall some steps by ~15 ms
        else env.remove("OMP_WAIT_POLICY");
    }

    /** PyTorch eager, {@code bench/peers/pytorch_step.py} under a Python that imports torch. */
    static final class PyTorch extends Peer {
        final String python, version;
        final Path script;

        private PyTorch(String python, String version, Path script) {
            super("PyTorch");
            this.python = python;
            this.version = version;
            this.script = script;
        }

        /** The peer, or null (with the reason on stderr) when no python imports torch. */
        static PyTorch find() throws InterruptedException {
            Path script = Path.of(System.getProperty("gradc.bench.peer", "bench/peers/pytorch_step.py"));
            if (!Files.exists(script)) {
                System.err.println("PyTorch peer skipped: " + script + " not found (run from the repository root)");
                return null;
            }
            String python = python();
            if (python == null) {
                System.err.println("PyTorch peer skipped: no python3 that can 'import torch' (Debian: apt-get install python3-torch libopenblas0-pthread)");
                return null;
            }
            return new PyTorch(python, torchVersion(python), script);
        }

        @Override
        String describe() {
            return "torch " + version + " eager via " + python;
        }

        @Override
        List<String> command(Workload w, boolean quick) {
            List<String> c = new ArrayList<>(List.of(python, script.toString(), "--workload", w.name(), "--json"));
            if (quick) c.addAll(List.of("--seconds", "0.5"));
            return c;
        }
    }

    /** A python3 that imports torch: {@code GRADC_PEER_PYTHON}, else /usr/bin/python3, else python3; null if none. */
    static String python() throws InterruptedException {
        String env = System.getenv("GRADC_PEER_PYTHON");
        for (String python : env != null ? List.of(env) : List.of("/usr/bin/python3", "python3")) {
            if (torchVersion(python) != null) return python;
        }
        return null;
    }

    private static String torchVersion(String python) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(python, "-c", "import torch; print(torch.__version__)").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) return out;
        } catch (IOException e) {
            // no such python
        }
        return null;
    }

    /**
     * DL4J 1.0.0-M2.1 (ND4J native on its bundled OpenBLAS 0.3.19), {@code bench/peers/dl4j}: built
     * with Maven when its sources are newer than its build, then run with a plain {@code java} on
     * the class path Maven wrote.
     */
    static final class Dl4j extends Peer {
        static final Path PROJECT = Path.of("bench/peers/dl4j");
        final String java;
        final String classPath;

        private Dl4j(String java, String classPath) {
            super("DL4J");
            this.java = java;
            this.classPath = classPath;
        }

        /** Builds the project if needed; null (reason on stderr) when that fails. */
        static Dl4j build() throws InterruptedException {
            Path pom = PROJECT.resolve("pom.xml"), cp = PROJECT.resolve("target/classpath.txt");
            if (!Files.exists(pom)) {
                System.err.println("DL4J peer skipped: " + pom + " not found (run from the repository root)");
                return null;
            }
            try {
                if (stale(cp)) {
                    System.err.println("building the DL4J peer (bench/peers/dl4j; the first build downloads about 110 MB) ...");
                    // Maven's output goes to stderr: stdout carries only the table (or JSON)
                    Process p = new ProcessBuilder("mvn", "-q", "-B", "-Dstyle.color=never", "-f", pom.toString(), "package")
                            .redirectErrorStream(true).start();
                    p.getInputStream().transferTo(System.err);
                    if (p.waitFor() != 0 || !Files.exists(cp)) {
                        System.err.println("DL4J peer skipped: its build failed");
                        return null;
                    }
                }
                String classPath = PROJECT.resolve("target/classes") + File.pathSeparator + Files.readString(cp).trim();
                return new Dl4j(Path.of(System.getProperty("java.home"), "bin", "java").toString(), classPath);
            } catch (IOException e) {
                System.err.println("DL4J peer skipped: " + e.getMessage());
                return null;
            }
        }

        private static boolean stale(Path classpath) throws IOException {
            if (!Files.exists(classpath)) return true;
            long built = Files.getLastModifiedTime(classpath).toMillis();
            try (Stream<Path> files = Stream.concat(Stream.of(PROJECT.resolve("pom.xml")), Files.walk(PROJECT.resolve("src")))) {
                return files.anyMatch(f -> {
                    try {
                        return Files.getLastModifiedTime(f).toMillis() > built;
                    } catch (IOException e) {
                        return true;
                    }
                });
            }
        }

        @Override
        String describe() {
            return "DL4J 1.0.0-M2.1 (nd4j-native linux-x86_64) on JDK " + System.getProperty("java.version");
        }

        @Override
        List<String> command(Workload w, boolean quick) {
            List<String> c = new ArrayList<>(List.of(java));
            // the peer asks OpenBLAS for its kernel through JDK 17's incubating foreign-function API
            if (ModuleFinder.ofSystem().find("jdk.incubator.foreign").isPresent()) {
                c.addAll(List.of("--add-modules", "jdk.incubator.foreign", "--enable-native-access=ALL-UNNAMED"));
            }
            c.addAll(List.of("-cp", classPath, "dev.gradc.peers.dl4j.Dl4jStep", "--workload", w.name(), "--json"));
            if (quick) c.addAll(List.of("--seconds", "0.5", "--warmup-seconds", "0.5"));
            return c;
        }
    }

    /**
     * A flat JSON object (string, number, boolean and null values; no nesting), as the peers print
     * one per line: keys to values, strings unescaped, null as Java null.
     */
    static Map<String, String> parse(String line) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = line.indexOf('{') + 1;
        int n = line.length();
        while (i < n) {
            while (i < n && (Character.isWhitespace(line.charAt(i)) || line.charAt(i) == ',')) i++;
            if (i >= n || line.charAt(i) == '}') break;
            if (line.charAt(i) != '"') throw new IllegalArgumentException("expected a key at " + i + ": " + line);
            StringBuilder key = new StringBuilder();
            i = string(line, i, key);
            while (i < n && (Character.isWhitespace(line.charAt(i)) || line.charAt(i) == ':')) i++;
            if (i < n && line.charAt(i) == '"') {
                StringBuilder value = new StringBuilder();
                i = string(line, i, value);
                out.put(key.toString(), value.toString());
            } else {
                int start = i;
                while (i < n && line.charAt(i) != ',' && line.charAt(i) != '}') i++;
                String v = line.substring(start, i).trim();
                if (v.startsWith("{") || v.startsWith("[")) throw new IllegalArgumentException("nested values are not read: " + line);
                out.put(key.toString(), v.equals("null") ? null : v);
            }
        }
        return out;
    }

    /** Reads the JSON string starting at the quote {@code at} into {@code into}; returns the index after its closing quote. */
    private static int string(String s, int at, StringBuilder into) {
        int i = at + 1;
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c == '"') return i;
            if (c != '\\') {
                into.append(c);
                continue;
            }
            char e = s.charAt(i++);
            switch (e) {
                case 'n' -> into.append('\n');
                case 't' -> into.append('\t');
                case 'r' -> into.append('\r');
                case 'b' -> into.append('\b');
                case 'f' -> into.append('\f');
                case 'u' -> {
                    into.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                }
                default -> into.append(e);
            }
        }
        throw new IllegalArgumentException("unterminated string: " + s);
    }
}

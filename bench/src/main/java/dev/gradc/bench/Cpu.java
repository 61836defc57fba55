package dev.gradc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The CPU a comparison ran on, from {@code /proc/cpuinfo}, and the OpenBLAS kernel a peer must
 * be given on it. OpenBLAS's own detection cannot be trusted: 0.3.21 does not recognize some
 * AVX-512 Xeons and falls back to its generic {@code Prescott} kernel (about 4x slower), and some
 * machines' environment forces {@code OPENBLAS_CORETYPE} to an AVX2 kernel. So the type is chosen
 * here from the instruction set and vendor, and set for the peer's process only.
 */
public record Cpu(String model, String vendor, int family, int modelNumber, Set<String> flags, int logicalCpus) {
    /**
     * Kernels a ratio is never printed against: OpenBLAS's generic and pre-AVX x86 kernels (what it
     * falls back to when it does not know the CPU), and the reference BLAS (no OpenBLAS at all).
     */
    static final Set<String> GENERIC_KERNELS = Set.of("prescott", "katmai", "coppermine", "northwood", "banias", "core2",
            "penryn", "dunnington", "nehalem", "atom", "athlon", "opteron", "opteron_sse3", "barcelona", "bobcat", "nano",
            "generic", "unknown");

    public static Cpu read() {
        try {
            return parse(Files.readString(Path.of("/proc/cpuinfo")));
        } catch (IOException | RuntimeException e) {
            return new Cpu(System.getProperty("os.arch") + " (no /proc/cpuinfo)", "unknown", -1, -1, Set.of(), Runtime.getRuntime().availableProcessors());
        }
    }

    /** Reads the first processor's model, vendor and flags, and counts the processors. */
    public static Cpu parse(String cpuinfo) {
        String model = null, vendor = null;
        int family = -1, modelNumber = -1, processors = 0;
        Set<String> flags = null;
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String key = line.substring(0, colon).trim(), value = line.substring(colon + 1).trim();
            switch (key) {
                case "processor" -> processors++;
                case "model name" -> { if (model == null) model = value; }
                case "vendor_id" -> { if (vendor == null) vendor = value; }
                case "cpu family" -> { if (family < 0) family = parseInt(value); }
                case "model" -> { if (modelNumber < 0) modelNumber = parseInt(value); }
                case "flags" -> { if (flags == null) flags = new LinkedHashSet<>(Arrays.asList(value.toLowerCase(Locale.ROOT).split("\\s+"))); }
                default -> { }
            }
        }
        return new Cpu(model == null ? "unknown CPU" : model, vendor == null ? "unknown" : vendor, family, modelNumber,
                flags == null ? Set.of() : Set.copyOf(flags), Math.max(processors, 1));
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public boolean avx512() {
        return flags.contains("avx512f");
    }

    public boolean avx2() {
        return flags.contains("avx2") && flags.contains("fma");
    }

    public boolean amd() {
        return vendor.equals("AuthenticAMD") || vendor.equals("HygonGenuine");
    }

    /** "AVX-512", "AVX2" or what the widest vector extension is. */
    public String isa() {
        return avx512() ? "AVX-512" : avx2() ? "AVX2" : flags.contains("avx") ? "AVX" : flags.contains("sse2") ? "SSE2" : "unknown ISA";
    }

    /**
     * The {@code OPENBLAS_CORETYPE} of the best kernel for this CPU: SkylakeX on any AVX-512 CPU
     * (Intel, or AMD Zen 4/5, where OpenBLAS's AVX-512 kernels are also the fastest), Zen on AVX2 AMD,
     * Haswell on AVX2 Intel (and others), Sandybridge on AVX only; null on older CPUs (OpenBLAS then
     * chooses, and a generic kernel it falls back to is refused when ratios are printed).
     */
    public String bestCoreType() {
        if (avx512()) return "SkylakeX";
        return avx2CoreType();
    }

    /** The best AVX2 kernel (for {@code bench/compare --avx2}): Zen on AMD, Haswell elsewhere; null without AVX2. */
    public String avx2CoreType() {
        if (avx2()) return amd() ? "Zen" : "Haswell";
        return flags.contains("avx") ? "Sandybridge" : null;
    }

    /**
     * Why a ratio against a peer that reports {@code kernel} must not be printed, or null when it may:
     * a generic kernel, an unknown one (no OpenBLAS loaded), or not the type the peer was given.
     */
    public static String refusal(String kernel, String requested) {
        if (kernel == null || kernel.isBlank() || kernel.toLowerCase(Locale.ROOT).startsWith("unknown")) {
            return "the peer's BLAS kernel is unknown (no OpenBLAS loaded? Debian: apt-get install libopenblas0-pthread)";
        }
        if (GENERIC_KERNELS.contains(kernel.toLowerCase(Locale.ROOT))) {
            return "OpenBLAS runs its generic " + kernel + " kernel, several times slower than this CPU's best"
                    + (requested == null ? "" : " (" + requested + " was asked for)");
        }
        if (requested != null && !requested.equalsIgnoreCase(kernel)) {
            return "OpenBLAS reports kernel " + kernel + " although OPENBLAS_CORETYPE=" + requested + " was set";
        }
        return null;
    }

    public String describe() {
        return String.format(Locale.ROOT, "%s (%s, family %d model %d), %s%s, %d logical CPUs", model, vendor, family, modelNumber, isa(),
                avx512() ? " (avx512f)" : "", logicalCpus);
    }
}

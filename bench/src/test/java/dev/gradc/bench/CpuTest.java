package dev.gradc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The OpenBLAS core type bench/compare gives a peer, from /proc/cpuinfo text (no timing here). */
class CpuTest {
    static String cpuinfo(String vendor, String model, String flags, int processors) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < processors; i++) {
            s.append("processor\t: ").append(i).append("\nvendor_id\t: ").append(vendor).append("\ncpu family\t: 6\nmodel\t\t: 167\n")
                    .append("model name\t: ").append(model).append("\nflags\t\t: ").append(flags).append("\n\n");
        }
        return s.toString();
    }

    static final String AVX2 = "fpu vme sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 bmi2";
    static final String AVX512 = AVX2 + " avx512f avx512dq avx512cd avx512bw avx512vl";

    @Test
    void avx512IntelGetsSkylakeX() {
        Cpu cpu = Cpu.parse(cpuinfo("GenuineIntel", "Intel(R) Xeon(R) Processor", AVX512 + " amx_tile avx512_fp16", 2));
        assertEquals("Intel(R) Xeon(R) Processor", cpu.model());
        assertEquals(2, cpu.logicalCpus());
        assertEquals(167, cpu.modelNumber());
        assertTrue(cpu.avx512());
        assertEquals("AVX-512", cpu.isa());
        assertEquals("SkylakeX", cpu.bestCoreType());
        assertEquals("Haswell", cpu.avx2CoreType(), "--avx2 pairs gradc's 256-bit species with OpenBLAS's AVX2 kernel");
    }

    @Test
    void avx512AmdZen4Or5GetsSkylakeXAndZenForAvx2() {
        Cpu cpu = Cpu.parse(cpuinfo("AuthenticAMD", "AMD EPYC 9R45", AVX512, 2));
        assertEquals("SkylakeX", cpu.bestCoreType());
        assertEquals("Zen", cpu.avx2CoreType());
    }

    @Test
    void avx2IntelGetsHaswellAndAvx2AmdGetsZen() {
        assertEquals("Haswell", Cpu.parse(cpuinfo("GenuineIntel", "Intel(R) Xeon(R) CPU E5-2680 v3", AVX2, 1)).bestCoreType());
        Cpu zen3 = Cpu.parse(cpuinfo("AuthenticAMD", "AMD EPYC 7B13", AVX2, 2));
        assertFalse(zen3.avx512());
        assertEquals("AVX2", zen3.isa());
        assertEquals("Zen", zen3.bestCoreType());
    }

    @Test
    void olderCpusLeaveTheChoiceToOpenBlas() {
        assertEquals("Sandybridge", Cpu.parse(cpuinfo("GenuineIntel", "Intel(R) Xeon(R) E5-2670", "fpu sse sse2 avx", 1)).bestCoreType());
        assertNull(Cpu.parse(cpuinfo("GenuineIntel", "Intel(R) Core(TM)2", "fpu sse sse2 ssse3", 1)).bestCoreType());
        Cpu none = Cpu.parse("");
        assertEquals("unknown CPU", none.model());
        assertNull(none.bestCoreType());
    }

    @Test
    void refusesGenericUnknownAndSubstitutedKernels() {
        assertNull(Cpu.refusal("SkylakeX", "SkylakeX"));
        assertNull(Cpu.refusal("Haswell", null));
        assertNotNull(Cpu.refusal("Prescott", "SkylakeX"));
        assertTrue(Cpu.refusal("Prescott", null).contains("generic Prescott"));
        assertNotNull(Cpu.refusal("Core2", null));
        assertNotNull(Cpu.refusal("unknown", "SkylakeX"));
        assertNotNull(Cpu.refusal(null, null));
        assertTrue(Cpu.refusal("Haswell", "SkylakeX").contains("OPENBLAS_CORETYPE=SkylakeX"));
        assertNull(Cpu.refusal("skylakex", "SkylakeX"), "case does not matter");
    }
}

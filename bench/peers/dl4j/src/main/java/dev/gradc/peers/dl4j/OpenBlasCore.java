package dev.gradc.peers.dl4j;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.util.Optional;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.SymbolLookup;

/**
 * Asks the OpenBLAS that ND4J loaded (JavaCPP's copy, in this process) for its configuration and
 * the kernel it chose ({@code openblas_get_config}, {@code openblas_get_corename}): the JavaCPP
 * bindings do not map those two functions, so they are called through JDK 17's incubating
 * foreign-function API ({@code --add-modules jdk.incubator.foreign --enable-native-access=ALL-UNNAMED}).
 * Kept in its own class: on a JDK without that module it fails to load and the caller says so.
 */
final class OpenBlasCore {
    private OpenBlasCore() {}

    /** "config, kernel corename"; empty when neither symbol is loaded. */
    static Optional<String> describe() throws Throwable {
        SymbolLookup lookup = SymbolLookup.loaderLookup();
        Optional<MemoryAddress> config = lookup.lookup("openblas_get_config"), core = lookup.lookup("openblas_get_corename");
        if (config.isEmpty() || core.isEmpty()) return Optional.empty();
        return Optional.of(call(config.get()).trim() + ", kernel " + call(core.get()));
    }

    private static String call(MemoryAddress function) throws Throwable {
        MethodHandle h = CLinker.getInstance().downcallHandle(function, MethodType.methodType(MemoryAddress.class),
                FunctionDescriptor.of(CLinker.C_POINTER));
        return CLinker.toJavaString((MemoryAddress) h.invokeExact());
    }
}

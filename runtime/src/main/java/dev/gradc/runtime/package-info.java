/**
 * What applications use of gradc at run time: {@link dev.gradc.runtime.Trainer}, the interface every
 * generated trainer class implements, with {@link dev.gradc.runtime.TensorView} and
 * {@link dev.gradc.runtime.TensorInfo}; data sets and their readers (CSV, IDX, synthetic sets);
 * NumPy {@code .npy}/{@code .npz} files for parameters; learning-rate schedules; and a plain
 * training loop ({@link dev.gradc.runtime.Training}). No third-party dependencies.
 * {@code dev.gradc.runtime.internal} is for generated code only.
 */
package dev.gradc.runtime;

/**
 * Internal: what generated trainer classes and the gradc compiler use, not an API for
 * applications. It holds the base class of generated trainers ({@link
 * dev.gradc.runtime.internal.CompiledTrainer}) with its hooks, the scalar functions and
 * initializers generated code calls, the seeded generator, and the matrix-product kernels with
 * their thread pool. It may change in any release; applications use {@code dev.gradc.runtime}
 * ({@link dev.gradc.runtime.Trainer} and what it returns, data sets, checkpoints, schedules).
 */
package dev.gradc.runtime.internal;

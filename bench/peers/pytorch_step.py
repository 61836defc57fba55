"""The PyTorch-eager peer of gradc's step benchmark: the same four workloads (bench/models),
one training step = zero_grad + forward + loss + backward + optimizer step, float32, CPU.

Prints the median wall time of a step (and p10, p90) per workload; --json prints one JSON
object per line, which bench/compare reads.

Run it fairly, on OpenBLAS's best kernel for the CPU: OpenBLAS 0.3.21 does not recognize some
AVX-512 CPUs (it falls back to its generic Prescott kernel, ~4x slower) and some environments
force OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE to AVX2 kernels, so set the core type for the peer's
process only (SkylakeX on AVX-512, Haswell on AVX2 Intel, Zen on AVX2 AMD). torch.set_num_threads
does not limit OpenBLAS, so give every thread count its own process:

    env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE=SkylakeX OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \\
        /usr/bin/python3 bench/peers/pytorch_step.py --json

For two threads set both counts to 2 and OMP_WAIT_POLICY=PASSIVE (spinning OpenMP workers
otherwise stall some steps by milliseconds). bench/compare does all of this, and prints the
kernel OpenBLAS reports ("kernel" below, read from the loaded library with openblas_get_corename).
"""
import argparse
import ctypes
import json
import os
import statistics
import time

import torch
import torch.nn.functional as F


def mlp(sizes, activation):
    """Weights stored [in, out] as in the .grad models; biases start at zero."""
    params = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        bound = (6.0 / fan_in) ** 0.5 if activation is torch.relu else (6.0 / (fan_in + fan_out)) ** 0.5
        params.append((torch.empty(fan_in, fan_out).uniform_(-bound, bound).requires_grad_(),
                       torch.zeros(fan_out, requires_grad=True)))

    def forward(x):
        for i, (w, b) in enumerate(params):
            x = x @ w + b
            if i + 1 < len(params):
                x = activation(x)
        return x
    return forward, [t for pair in params for t in pair], [w for w, _ in params]


def workload(name):
    """(step function) for W1..W4, with fixed random data made once."""
    if name == "W1":   # moons: 2-16-16-1 ReLU, max-margin + 1e-4 L2 on the weights, SGD
        forward, params, weights = mlp([2, 16, 16, 1], torch.relu)
        x, y = torch.rand(100, 2) * 2 - 1, torch.randint(0, 2, (100,)).float() * 2 - 1
        opt = torch.optim.SGD(params, lr=0.1)
        def loss():
            score = forward(x).reshape(-1)
            return torch.relu(1 - y * score).mean() + 1e-4 * sum((w * w).sum() for w in weights)
    elif name == "W2":  # mnist-mlp: 784-128-64-10 ReLU, cross-entropy, Adam
        forward, params, _ = mlp([784, 128, 64, 10], torch.relu)
        x, y = torch.rand(128, 784), torch.randint(0, 10, (128,))
        opt = torch.optim.Adam(params, lr=1e-3)
        def loss():
            return F.cross_entropy(forward(x), y)
    elif name == "W3":  # deep-narrow: 64 -> 8 x (64, tanh) -> 1, MSE, SGD momentum 0.9
        forward, params, _ = mlp([64] + [64] * 8 + [1], torch.tanh)
        x, y = torch.rand(32, 64) * 2 - 1, torch.rand(32) * 2 - 1
        opt = torch.optim.SGD(params, lr=0.01, momentum=0.9)
        def loss():
            # the last layer is linear: mlp() applies tanh to the eight hidden layers only
            return F.mse_loss(forward(x).reshape(-1), y)
    elif name == "W4":  # wide: 1024-1024-1024-10 ReLU, cross-entropy, SGD
        forward, params, _ = mlp([1024, 1024, 1024, 10], torch.relu)
        x, y = torch.rand(256, 1024), torch.randint(0, 10, (256,))
        opt = torch.optim.SGD(params, lr=0.01)
        def loss():
            return F.cross_entropy(forward(x), y)
    else:
        raise SystemExit("unknown workload " + name)

    def step():
        opt.zero_grad()
        loss().backward()
        opt.step()
    return step


def blas_kernel():
    """(description, kernel): which OpenBLAS this process runs and the kernel set it chose, asked of
    the loaded library itself (openblas_get_config / openblas_get_corename through ctypes: dlopen of
    an already loaded library returns that same instance), so a forced OPENBLAS_CORETYPE shows as
    what OpenBLAS actually took."""
    torch.ones(64, 64) @ torch.ones(64, 64)  # make sure BLAS is loaded
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    # the library itself first (Debian's libblas.so.3 is a small front that links it)
    for path in sorted(paths, key=lambda p: ("openblas" not in p.rsplit("/", 1)[-1].lower(), p)):
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            core = lib.openblas_get_corename().decode()
            return "%s, kernel %s" % (lib.openblas_get_config().decode().strip(), core), core
        except (OSError, AttributeError):
            continue
    blas = torch.__config__.show().split("BLAS_INFO=")[-1].split(",")[0]
    return "unknown (no OpenBLAS loaded: %s)" % blas, "unknown"


def measure(step, seconds, min_steps):
    """Warm up for about a second (at least 20 steps), then time steps one by one."""
    start = time.perf_counter()
    warm = 0
    while warm < 20 or time.perf_counter() - start < 1.0:
        step()
        warm += 1
    times = []
    start = time.perf_counter()
    while len(times) < min_steps or time.perf_counter() - start < seconds:
        t0 = time.perf_counter_ns()
        step()
        times.append((time.perf_counter_ns() - t0) / 1000.0)
    times.sort()
    return statistics.median(times), times[len(times) // 10], times[(len(times) * 9) // 10], len(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workload", action="append", help="W1, W2, W3 or W4 (repeatable or comma-separated; default all)")
    parser.add_argument("--seconds", type=float, default=3.0, help="measuring time per workload")
    parser.add_argument("--min-steps", type=int, default=20)
    parser.add_argument("--json", action="store_true", help="one JSON object per workload and line")
    args = parser.parse_args()
    names = [w for arg in (args.workload or ["W1,W2,W3,W4"]) for w in arg.split(",")]

    torch.manual_seed(0)
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    blas, kernel = blas_kernel()
    for name in names:
        median, p10, p90, steps = measure(workload(name), args.seconds, args.min_steps)
        result = {"workload": name, "median_us": round(median, 2), "p10_us": round(p10, 2), "p90_us": round(p90, 2),
                  "steps": steps, "threads": torch.get_num_threads(),
                  "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
                  "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
                  "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
                  "torch": torch.__version__, "blas": blas, "kernel": kernel}
        if args.json:
            print(json.dumps(result), flush=True)
        else:
            print("%s  median %10.1f us  (p10 %.1f, p90 %.1f, %d steps, %d threads, %s)"
                  % (name, median, p10, p90, steps, result["threads"], blas), flush=True)


if __name__ == "__main__":
    main()

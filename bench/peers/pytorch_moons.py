"""The PyTorch peer of `./gradc train samples/moons/Moons.grad`, the same job as a whole process:
micrograd's demo. 100 two-moons points (scikit-learn's make_moons(100, noise=0.1), drawn here
with NumPy as gradc's Datasets.moons draws them: a different generator, the same distribution),
labels as -1/+1; a 2-16-16-1 ReLU network, weights U(-1, 1), biases zero; max-margin loss
mean(relu(1 - y*score)) + 1e-4 * sum of the squared weights; 100 full-batch SGD steps with
learning rate 1.0 - 0.9*k/100; the training accuracy every 10 steps (and after the first), as
gradc prints it; the parameters saved at the end (NumPy .npz, as gradc saves them).

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peers/pytorch_moons.py

bench/compare --e2e runs it beside gradc (one thread each, OpenBLAS on its best kernel).
"""
import argparse
import math
import os
import time

import numpy as np
import torch

from pytorch_step import blas_kernel  # beside this file


def moons(n, noise, rng):
    """make_moons: the outer moon (cos t, sin t) label 0, the inner (1 - cos t, 0.5 - sin t) label 1,
    t evenly spaced over [0, pi]; shuffled, then gaussian noise on every coordinate."""
    n_out, n_in = n // 2, n - n // 2
    t_out, t_in = np.linspace(0, math.pi, n_out), np.linspace(0, math.pi, n_in)
    x = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1), np.stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5], 1)])
    y = np.concatenate([np.zeros(n_out), np.ones(n_in)])
    order = rng.permutation(n)
    x, y = x[order], y[order]
    x = x + noise * rng.standard_normal(x.shape)
    return torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--noise", type=float, default=0.1)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--print-every", type=int, default=10)
    parser.add_argument("--save", default="Moons-pytorch.npz", help="where the trained parameters go (.npz)")
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    print("blas: %s" % blas_kernel()[0], flush=True)  # the kernel OpenBLAS took, for bench/compare
    x, labels = moons(args.samples, args.noise, np.random.default_rng(args.seed))
    y = labels * 2 - 1  # the max-margin loss wants -1/+1

    sizes = [2, 16, 16, 1]
    weights = [torch.empty(a, b).uniform_(-1, 1).requires_grad_() for a, b in zip(sizes, sizes[1:])]
    biases = [torch.zeros(b, requires_grad=True) for b in sizes[1:]]
    params = [p for pair in zip(weights, biases) for p in pair]
    optimizer = torch.optim.SGD(params, lr=1.0)

    def score(inputs):
        h = inputs
        for i, (w, b) in enumerate(zip(weights, biases)):
            h = h @ w + b
            if i + 1 < len(weights):
                h = torch.relu(h)
        return h.reshape(-1)

    def loss_fn():
        margin = torch.relu(1 - y * score(x)).mean()
        return margin + 1e-4 * sum((w * w).sum() for w in weights)

    def accuracy():
        with torch.no_grad():
            return ((score(x) > 0) == (y > 0)).float().mean().item()

    print("training on moons: %d examples, batch %d, %d steps, lr 1.0 linear to 0.1; torch %s, %d thread(s)"
          % (args.samples, args.samples, args.steps, torch.__version__, torch.get_num_threads()), flush=True)
    nanos = 0
    for k in range(args.steps):
        lr = 1.0 - 0.9 * k / args.steps
        for group in optimizer.param_groups:
            group["lr"] = lr
        start = time.perf_counter_ns()
        optimizer.zero_grad()
        loss = loss_fn()
        loss.backward()
        optimizer.step()
        nanos += time.perf_counter_ns() - start
        if args.print_every > 0 and ((k + 1) % args.print_every == 0 or k == 0):
            print("step %4d/%d  loss %.6f  accuracy %5.1f%%  lr %.4f" % (k + 1, args.steps, loss.item(), 100 * accuracy(), lr), flush=True)
    with torch.no_grad():
        final = loss_fn().item()
    acc = accuracy()
    print("final loss %.6f, training accuracy %.1f%% (%d/%d); %.1f ms in step(), %.1f µs per step"
          % (final, 100 * acc, round(acc * args.samples), args.samples, nanos / 1e6, nanos / 1e3 / args.steps), flush=True)
    np.savez(args.save, **{name: p.detach().numpy() for name, p in
                           zip(["w1", "b1", "w2", "b2", "w3", "b3"], params)})
    print("wrote parameters to " + args.save)


if __name__ == "__main__":
    main()

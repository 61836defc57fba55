"""The PyTorch peer of `./gradc train samples/fashion-mnist/FashionMnist.grad --epochs 5`, the same
job as a whole process: the IDX files read from the gzipped originals (Debian's
dataset-fashion-mnist), pixels scaled to [0, 1] as float32; the sample's 784-128-64-10 ReLU network
with its initializers (He-uniform U(+-sqrt(6/fan_in)) for the two hidden layers, Xavier-uniform
U(+-sqrt(6/(fan_in+fan_out))) for the output, biases zero, weights stored [in, out]); softmax
cross-entropy; Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8) at batch 128 with a fresh shuffle each
epoch and the short last batch run at its own size (60,000 = 468 x 128 + 96); the test set
evaluated after every epoch and both sets at the end, in batches of 128, as `gradc train` does;
the parameters saved (.npz).

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peers/pytorch_fashion_mnist.py --epochs 5

bench/compare --e2e runs it beside gradc (one thread each, OpenBLAS on its best kernel).
"""
import argparse
import gzip
import os
import time

import numpy as np
import torch

from pytorch_step import blas_kernel  # beside this file
import torch.nn.functional as F

DATA = "/usr/share/datasets/fashion-mnist"


def idx(images, labels):
    """IDX3 images (big-endian header: magic, count, rows, columns) and IDX1 labels, from .gz files."""
    with gzip.open(images, "rb") as f:
        raw = f.read()
    count, rows, cols = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
    x = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(count, rows * cols).astype(np.float32) / 255.0
    with gzip.open(labels, "rb") as f:
        raw = f.read()
    y = np.frombuffer(raw, dtype=np.uint8, offset=8).astype(np.int64)
    if len(y) != count:
        raise SystemExit("%s and %s disagree: %d images, %d labels" % (images, labels, count, len(y)))
    return torch.from_numpy(x), torch.from_numpy(y)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", default=DATA)
    parser.add_argument("--save", default="FashionMnist-pytorch.npz", help="where the trained parameters go (.npz)")
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    print("blas: %s" % blas_kernel()[0], flush=True)  # the kernel OpenBLAS took, for bench/compare
    train_x, train_y = idx(os.path.join(args.data, "train-images-idx3-ubyte.gz"), os.path.join(args.data, "train-labels-idx1-ubyte.gz"))
    test_x, test_y = idx(os.path.join(args.data, "t10k-images-idx3-ubyte.gz"), os.path.join(args.data, "t10k-labels-idx1-ubyte.gz"))

    def uniform(fan_in, fan_out, bound):
        return torch.empty(fan_in, fan_out).uniform_(-bound, bound).requires_grad_()

    w1, b1 = uniform(784, 128, (6 / 784) ** 0.5), torch.zeros(128, requires_grad=True)
    w2, b2 = uniform(128, 64, (6 / 128) ** 0.5), torch.zeros(64, requires_grad=True)
    w3, b3 = uniform(64, 10, (6 / (64 + 10)) ** 0.5), torch.zeros(10, requires_grad=True)
    params = [w1, b1, w2, b2, w3, b3]
    optimizer = torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8)

    def logits(x):
        h = torch.relu(x @ w1 + b1)
        h = torch.relu(h @ w2 + b2)
        return h @ w3 + b3

    def evaluate(x, y):
        """(mean loss, correct) over the set, in batches of the training batch."""
        loss, correct = 0.0, 0
        with torch.no_grad():
            for start in range(0, len(y), args.batch):
                out = logits(x[start:start + args.batch])
                target = y[start:start + args.batch]
                loss += F.cross_entropy(out, target, reduction="sum").item()
                correct += (out.argmax(1) == target).sum().item()
        return loss / len(y), correct

    n = len(train_y)
    steps_per_epoch = (n + args.batch - 1) // args.batch
    print("training on fashion-mnist: %d examples, batch %d, %d epochs of %d steps, Adam lr 0.001; torch %s, %d thread(s)"
          % (n, args.batch, args.epochs, steps_per_epoch, torch.__version__, torch.get_num_threads()), flush=True)
    nanos = 0
    steps = 0
    loss = None
    for epoch in range(1, args.epochs + 1):
        order = torch.randperm(n)
        epoch_loss, epoch_nanos = 0.0, 0
        for start in range(0, n, args.batch):
            rows = order[start:start + args.batch]
            x, y = train_x.index_select(0, rows), train_y.index_select(0, rows)
            t0 = time.perf_counter_ns()
            optimizer.zero_grad()
            loss = F.cross_entropy(logits(x), y)
            loss.backward()
            optimizer.step()
            took = time.perf_counter_ns() - t0
            epoch_nanos += took
            epoch_loss += loss.item()
            steps += 1
        nanos += epoch_nanos
        test_loss, correct = evaluate(test_x, test_y)
        print("epoch %3d/%d  loss %.6f  lr %.4g  test loss %.6f, accuracy %.1f%% (%d/%d)  %.2f s in step()"
              % (epoch, args.epochs, epoch_loss / steps_per_epoch, 1e-3, test_loss, 100 * correct / len(test_y), correct, len(test_y),
                 epoch_nanos / 1e9), flush=True)
    train_loss, train_correct = evaluate(train_x, train_y)
    test_loss, test_correct = evaluate(test_x, test_y)
    print("final loss %.6f, training accuracy %.1f%% (%d/%d), test loss %.6f, accuracy %.1f%% (%d/%d); %.1f ms in step(), %.1f µs per step"
          % (loss.item(), 100 * train_correct / n, train_correct, n, test_loss, 100 * test_correct / len(test_y), test_correct,
             len(test_y), nanos / 1e6, nanos / 1e3 / steps), flush=True)
    np.savez(args.save, **{name: p.detach().numpy() for name, p in zip(["w1", "b1", "w2", "b2", "w3", "b3"], params)})
    print("wrote parameters to " + args.save)


if __name__ == "__main__":
    main()

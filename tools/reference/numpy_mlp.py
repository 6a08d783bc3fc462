#!/usr/bin/python3
"""The training step of //mlp:train in plain numpy (float32), as a reference to compare with.

Usage (Debian's python3: install python3-numpy with tools/setup_reference.sh):
  /usr/bin/python3 tools/reference/numpy_mlp.py --recipe=keras --batch=32 --epochs=30

The same 1-100-100-100-1 network, recipes (seed, keras, keras-tanh), data, normalization and
per-sample MSE gradient 2(yhat - y)/B as //mlp:train; one training step is forward, backward
and the optimizer update, the last partial batch included. Only the steps are timed (the `ms`
column), as ours: not the test evaluation. Weights, split and batch order come from numpy's RNG,
so the numbers are not bit-identical to ours; the math of each step is the same.

--threads (default 1) sets OPENBLAS_NUM_THREADS and OMP_NUM_THREADS before numpy is imported,
so the comparison is one core, like //mlp:train.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

if __name__ == "__main__":  # imported by check_gradients.py, which sets the threads itself
    ARGS = common.parse_args("numpy_mlp.py", "numpy reference of //mlp:train's training step",
                             recipes=common.NUMPY_RECIPES)
    common.limit_threads(ARGS.threads)

import numpy as np  # noqa: E402  (after the thread limits)

F32 = np.float32
WIDTHS = (1, 100, 100, 100, 1)


def make_data():
    """mlp/training/data.cc: linspace(-10, 10, 10000), y = cos(x), x -> (x + 10)/20 - 0.5, 80/20
    split."""
    x = np.linspace(-10.0, 10.0, common.POINTS)  # float64, rounded to float32 once, as ours
    order = np.random.default_rng(common.DATA_SEED).permutation(common.POINTS)
    xn = ((x + 10.0) / 20.0 - 0.5).astype(F32)
    y = np.cos(x).astype(F32)
    train, test = order[:common.TRAIN_POINTS], order[common.TRAIN_POINTS:]
    return xn[train], y[train], xn[test], y[test]


def init_params(init, rng):
    """Kernels N(0, 1) or Glorot-uniform U(-l, l), l = sqrt(6/(fan_in + fan_out)); zero biases."""
    params = []
    for fan_in, fan_out in zip(WIDTHS[:-1], WIDTHS[1:]):
        if init == "normal":
            w = rng.standard_normal((fan_in, fan_out))
        else:
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            w = rng.uniform(-limit, limit, (fan_in, fan_out))
        params += [w.astype(F32), np.zeros(fan_out, F32)]
    return params  # W1, b1, W2, b2, W3, b3, W4, b4; W is fan_in x fan_out: Z = A W + b


def act(name, z):
    if name == "tanh":
        return np.tanh(z, out=z)
    if name == "relu":
        return np.maximum(z, F32(0), out=z)
    return z


def act_grad(name, a, g):
    """g * f'(z), from the activation's output a (tanh: 1 - a^2; relu: a > 0)."""
    if name == "tanh":
        return g * (F32(1) - a * a)
    if name == "relu":
        return g * (a > 0)
    return g


class Mlp:
    def __init__(self, recipe, seed):
        r = common.RECIPES[recipe]
        self.hidden, self.output = r["hidden"], r["output"]
        self.optimizer, self.lr = r["optimizer"], r["lr"]
        self.params = init_params(r["init"], np.random.default_rng([seed, 2]))
        self.state = [np.zeros_like(p) for p in self.params]  # RMSprop's mean square

    def forward(self, x):
        w1, b1, w2, b2, w3, b3, w4, b4 = self.params
        a1 = act(self.hidden, x[:, None] * w1 + b1)  # 1 -> 100: an outer product
        a2 = act(self.hidden, a1 @ w2 + b2)
        a3 = act(self.hidden, a2 @ w3 + b3)
        yhat = act(self.output, a3 @ w4 + b4)  # B x 1
        return a1, a2, a3, yhat[:, 0]

    def step(self, x, y):
        """One training step on a batch; returns the batch loss mean((yhat - y)^2)."""
        loss, grads = self.loss_and_gradient(x, y)
        self.update(grads)
        return loss

    def loss_and_gradient(self, x, y):
        """The batch loss mean((yhat - y)^2) and its gradient, in the order of self.params."""
        b = x.shape[0]
        w1, b1, w2, b2, w3, b3, w4, b4 = self.params
        a1, a2, a3, yhat = self.forward(x)
        err = yhat - y
        loss = float(np.dot(err, err)) / b
        # dL/dyhat_i = 2 (yhat_i - y_i) / B per sample; the batch sum happens in the products below.
        g4 = act_grad(self.output, yhat, err * err.dtype.type(2.0 / b))[:, None]  # B x 1
        g3 = act_grad(self.hidden, a3, g4 @ w4.T)
        g2 = act_grad(self.hidden, a2, g3 @ w3.T)
        g1 = act_grad(self.hidden, a1, g2 @ w2.T)
        grads = [x[None, :] @ g1, g1.sum(0),
                 a1.T @ g2, g2.sum(0),
                 a2.T @ g3, g3.sum(0),
                 a3.T @ g4, g4.sum(0)]
        return loss, grads

    def update(self, grads):
        # Python-float scalars take the arrays' dtype (numpy's value-based casting): float32 here.
        lr = self.lr
        if self.optimizer == "sgd":
            for p, g in zip(self.params, grads):
                p -= lr * g
            return
        rho, one_minus_rho, eps = common.RHO, 1 - common.RHO, common.EPS
        for p, g, s in zip(self.params, grads, self.state):
            s *= rho                          # s = rho s + (1 - rho) g^2
            s += one_minus_rho * g * g
            p -= lr * g / np.sqrt(s + eps)    # Keras: eps inside the square root

    def mse(self, x, y):
        err = self.forward(x)[3] - y
        return float(np.dot(err, err)) / x.shape[0]


def main(args):
    train_x, train_y, test_x, test_y = make_data()
    model = Mlp(args.recipe, args.seed)
    shuffle = common.RECIPES[args.recipe]["shuffle"]
    shuffle_rng = np.random.default_rng([args.seed, 3])
    report = common.Report("numpy")
    report.header([f"impl: numpy {np.__version__}; BLAS: {common.blas_library()}",
                   common.describe(args)])
    n, b = common.TRAIN_POINTS, args.batch
    order = np.arange(n)
    for epoch in range(1, args.epochs + 1):
        if shuffle:
            shuffle_rng.shuffle(order)
        loss_sum = 0.0
        start = time.perf_counter()
        for step, begin in enumerate(range(0, n, b), 1):
            idx = order[begin:begin + b]  # the last batch may be partial: kept
            loss = model.step(train_x[idx], train_y[idx])
            if not common.finite(loss):
                common.diverged(epoch, step, loss)
            loss_sum += loss * len(idx)
        ms = (time.perf_counter() - start) * 1e3
        report.epoch(epoch, loss_sum / n, model.mse(test_x, test_y), ms)
    report.summary(b)


if __name__ == "__main__":
    main(ARGS)

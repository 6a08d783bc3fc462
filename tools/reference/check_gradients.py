#!/usr/bin/python3
"""Checks that the two reference trainers compute the same, correct training step.

Usage: /usr/bin/python3 tools/reference/check_gradients.py      (exit status 1 on a mismatch)

In double, for every recipe and for batches of 1, 7 and 32 samples:
  - numpy_mlp.py's hand-written backward pass against central differences of the loss
    mean((yhat - y)^2) (so its dL/dyhat is 2(yhat - y)/B, neither (yhat - y)^2 nor pre-averaged);
  - numpy_mlp.py's gradient against torch_mlp.py's autograd, with the same weights;
  - one optimizer step of each (SGD, or Keras's RMSprop with eps inside the sqrt) from the same
    weights and state, applied three times so that the RMSprop state is not only its first value.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

common.limit_threads(1)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import numpy_mlp  # noqa: E402
import torch_mlp  # noqa: E402

FD_STEP = 1e-6
FD_TOL = 1e-6      # relative to the largest gradient element of the tensor
TORCH_TOL = 1e-12  # relative: the same double arithmetic in another order


def to_double(model):
    model.params = [p.astype(np.float64) for p in model.params]
    model.state = [s.astype(np.float64) for s in model.state]


def copy_into_torch(params, net):
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    with torch.no_grad():
        for i, layer in enumerate(linears):
            layer.weight.copy_(torch.from_numpy(params[2 * i].T.copy()))
            layer.bias.copy_(torch.from_numpy(params[2 * i + 1].copy()))


def torch_grads(net):
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    out = []
    for layer in linears:
        out += [layer.weight.grad.numpy().T, layer.bias.grad.numpy()]
    return out


def torch_params(net):
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    out = []
    for layer in linears:
        out += [layer.weight.detach().numpy().T, layer.bias.detach().numpy()]
    return out


def rel_err(a, b):
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def check(recipe, batch, rng, failures):
    x = rng.uniform(-0.5, 0.5, batch)
    y = np.cos((x + 0.5) * 20.0 - 10.0)
    model = numpy_mlp.Mlp(recipe, seed=7)
    if common.RECIPES[recipe]["init"] == "normal":  # keep tanh out of saturation: a useful check
        model.params = [p * 0.3 for p in model.params]
    to_double(model)
    loss, grads = model.loss_and_gradient(x, y)

    worst_fd = 0.0
    for p, g in zip(model.params, grads):
        flat, gflat = p.reshape(-1), g.reshape(-1)
        picks = rng.choice(flat.size, min(flat.size, 12), replace=False)
        fd = np.empty(len(picks))
        for j, k in enumerate(picks):
            saved = flat[k]
            flat[k] = saved + FD_STEP
            plus = model.mse(x, y)
            flat[k] = saved - FD_STEP
            minus = model.mse(x, y)
            flat[k] = saved
            fd[j] = (plus - minus) / (2 * FD_STEP)
        scale = max(np.max(np.abs(g)), 1e-12)
        worst_fd = max(worst_fd, float(np.max(np.abs(fd - gflat[picks])) / scale))

    torch.set_default_dtype(torch.float64)
    net, optimizer = torch_mlp.make_model(recipe, seed=7)
    copy_into_torch(model.params, net)
    tx, ty = torch.from_numpy(x[:, None].copy()), torch.from_numpy(y[:, None].copy())
    net.zero_grad(set_to_none=True)
    F.mse_loss(net(tx), ty).backward()
    worst_torch = max(rel_err(a, b) for a, b in zip(torch_grads(net), grads))

    for _ in range(3):  # three steps of each optimizer from the same start
        model.step(x, y)
        optimizer.zero_grad(set_to_none=True)
        F.mse_loss(net(tx), ty).backward()
        optimizer.step()
    worst_step = max(rel_err(a, b) for a, b in zip(torch_params(net), model.params))
    torch.set_default_dtype(torch.float32)

    ok = worst_fd < FD_TOL and worst_torch < TORCH_TOL and worst_step < TORCH_TOL
    print(f"{recipe:>10} B={batch:<3} loss {loss:.4e}  numpy vs central differences {worst_fd:.1e}  "
          f"numpy vs torch autograd {worst_torch:.1e}  after 3 steps {worst_step:.1e}  "
          f"{'ok' if ok else 'MISMATCH'}")
    if not ok:
        failures.append((recipe, batch))


def main():
    rng = np.random.default_rng(2024)
    failures = []
    for recipe in sorted(common.NUMPY_RECIPES):
        for batch in (1, 7, 32):
            check(recipe, batch, rng, failures)
    print(f"{len(failures)} mismatches" if failures else "all gradients and steps agree")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

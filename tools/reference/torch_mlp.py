#!/usr/bin/python3
"""The training step of //mlp:train in PyTorch (float32, CPU), as a reference to compare with.

Usage (Debian's python3: install python3-torch with tools/setup_reference.sh):
  /usr/bin/python3 tools/reference/torch_mlp.py --recipe=keras --batch=32 --epochs=30

The same 1-100-100-100-1 network, recipes (seed, keras, keras-tanh, fast), data, normalization
and loss as //mlp:train, written as a PyTorch user would: nn.Sequential of nn.Linear, F.mse_loss
(mean over the batch, so autograd seeds dL/dyhat_i = 2(yhat_i - y_i)/B), backward(), an optimizer
step, and for fast's learning-rate schedule a LambdaLR stepped after every update.
One difference from the stock library: torch.optim.RMSprop puts eps outside the square root,
p -= lr g/(sqrt(s) + eps); Keras (and ours) put it inside, p -= lr g/sqrt(s + eps), so the
optimizer here is a small torch.optim.Optimizer with Keras's update (multi-tensor _foreach ops
where this torch has them, as torch's own optimizers use). Only the training steps are timed (the
`ms` column), as ours: not the test evaluation. Weights, split and batch order come from torch's
RNG, so the numbers are not bit-identical to ours; the math of each step is the same.

--threads (default 1) calls torch.set_num_threads and sets OMP_NUM_THREADS and
OPENBLAS_NUM_THREADS before torch is imported, so the comparison is one core, like //mlp:train.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

if __name__ == "__main__":  # imported by check_gradients.py, which sets the threads itself
    ARGS = common.parse_args("torch_mlp.py", "PyTorch reference of //mlp:train's training step")
    common.limit_threads(ARGS.threads)

import torch  # noqa: E402  (after the thread limits)
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

WIDTHS = (1, 100, 100, 100, 1)


class KerasRMSprop(torch.optim.Optimizer):
    """s = rho s + (1 - rho) g^2;  p -= lr g / sqrt(s + eps)   (Keras: eps inside the root)."""

    def __init__(self, params, lr=1e-3, rho=0.9, eps=1e-7):
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps))
        self.foreach = all(hasattr(torch, f"_foreach_{op}")
                           for op in ("mul_", "addcmul_", "add", "sqrt_", "addcdiv_"))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            grads = [p.grad for p in params]
            squares = []
            for p in params:
                state = self.state[p]
                if not state:
                    state["square_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                squares.append(state["square_avg"])
            lr, rho, eps = group["lr"], group["rho"], group["eps"]
            if self.foreach:
                torch._foreach_mul_(squares, rho)
                torch._foreach_addcmul_(squares, grads, grads, value=1 - rho)
                denom = torch._foreach_add(squares, eps)
                torch._foreach_sqrt_(denom)
                torch._foreach_addcdiv_(params, grads, denom, value=-lr)
            else:
                for p, g, s in zip(params, grads, squares):
                    s.mul_(rho).addcmul_(g, g, value=1 - rho)
                    p.addcdiv_(g, s.add(eps).sqrt_(), value=-lr)


def make_data():
    """mlp/training/data.cc: linspace(-10, 10, 10000), y = cos(x), x -> (x + 10)/20 - 0.5, 80/20
    split."""
    x = torch.linspace(-10.0, 10.0, common.POINTS, dtype=torch.float64)
    order = torch.randperm(common.POINTS, generator=torch.Generator().manual_seed(common.DATA_SEED))
    xn = ((x + 10.0) / 20.0 - 0.5).float()  # rounded to float32 once, as ours
    y = torch.cos(x).float()
    train, test = order[:common.TRAIN_POINTS], order[common.TRAIN_POINTS:]
    return xn[train, None], y[train, None], xn[test, None], y[test, None]  # N x 1


def make_model(recipe, seed, optimizer=None):
    """The recipe's network and optimizer; optimizer="adam" swaps in Adam (lr from the recipe,
    betas 0.9/0.999 and eps 1e-7 as Keras's defaults, and ours with --optimizer=adam)."""
    r = common.RECIPES[recipe]
    hidden = {"tanh": nn.Tanh, "relu": nn.ReLU}[r["hidden"]]
    layers = []
    for fan_in, fan_out in zip(WIDTHS[:-1], WIDTHS[1:]):
        layers += [nn.Linear(fan_in, fan_out), hidden()]
    layers.pop()  # the output's activation:
    if r["output"] == "tanh":
        layers.append(nn.Tanh())
    model = nn.Sequential(*layers)
    torch.manual_seed(seed)
    with torch.no_grad():
        for layer in model:
            if isinstance(layer, nn.Linear):
                if r["init"] == "normal":
                    nn.init.normal_(layer.weight, 0.0, 1.0)
                else:  # U(-l, l), l = sqrt(6/(fan_in + fan_out))
                    nn.init.xavier_uniform_(layer.weight)
                nn.init.zeros_(layer.bias)
        if r["init"] == "spread":  # mlp/core/init.h: unit j's transition at c_j ~ U(-0.5, 0.5)
            first = model[0]
            nn.init.normal_(first.weight, 0.0, r["spread_scale"])
            centres = torch.empty_like(first.bias).uniform_(-0.5, 0.5)
            first.bias.copy_(-first.weight[:, 0] * centres)
    optimizer = optimizer or r["optimizer"]
    if optimizer == "sgd":
        optimizer = torch.optim.SGD(model.parameters(), lr=r["lr"])
    elif optimizer == "adam":
        # torch.optim.Adam adds eps to sqrt(v_hat); Keras and ours add it to sqrt(v) with the bias
        # correction folded into the step size, i.e. an eps sqrt(1 - beta2^t) times torch's: at
        # 1e-7 against gradients of ~1e-3, no difference a run can show.
        optimizer = torch.optim.Adam(model.parameters(), lr=r["lr"], betas=(0.9, 0.999),
                                     eps=common.EPS)
    else:
        optimizer = KerasRMSprop(model.parameters(), lr=r["lr"], rho=common.RHO, eps=common.EPS)
    return model, optimizer


def make_scheduler(recipe, optimizer, batch):
    """The recipe's learning-rate schedule as a LambdaLR stepped after every update (the factor
    of common.learning_rate), or None for a constant rate."""
    if "schedule" not in common.RECIPES[recipe]:
        return None
    steps_per_epoch = -(-common.TRAIN_POINTS // batch)
    lr = common.RECIPES[recipe]["lr"]
    return torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: common.learning_rate(recipe, step, steps_per_epoch) / lr)


def train_epoch(model, optimizer, train_x, train_y, order, batch, epoch, scheduler=None):
    """One epoch of minibatch steps in `order`; returns the sum of loss x batch size."""
    loss_sum = 0.0
    for step, begin in enumerate(range(0, len(order), batch), 1):
        idx = order[begin:begin + batch]  # the last batch may be partial: kept
        optimizer.zero_grad(set_to_none=True)
        loss = F.mse_loss(model(train_x[idx]), train_y[idx])  # mean over the batch
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        value = loss.item()
        if not common.finite(value):
            common.diverged(epoch, step, value)
        loss_sum += value * len(idx)
    return loss_sum


def main(args):
    torch.set_num_threads(args.threads)
    train_x, train_y, test_x, test_y = make_data()
    model, optimizer = make_model(args.recipe, args.seed)
    scheduler = make_scheduler(args.recipe, optimizer, args.batch)
    shuffle = common.RECIPES[args.recipe]["shuffle"]
    shuffle_gen = torch.Generator().manual_seed(args.seed * 16 + 3)
    report = common.Report("torch")
    report.header([f"impl: torch {torch.__version__}, {torch.get_num_threads()} thread(s), "
                   f"KerasRMSprop foreach {getattr(optimizer, 'foreach', '-')}; "
                   f"BLAS: {common.blas_library()}",
                   common.describe(args)])
    n, b = common.TRAIN_POINTS, args.batch
    order = torch.arange(n)
    for epoch in range(1, args.epochs + 1):
        if shuffle:
            order = torch.randperm(n, generator=shuffle_gen)
        start = time.perf_counter()
        loss_sum = train_epoch(model, optimizer, train_x, train_y, order, b, epoch, scheduler)
        ms = (time.perf_counter() - start) * 1e3
        with torch.no_grad():
            test_mse = F.mse_loss(model(test_x), test_y).item()
        report.epoch(epoch, loss_sum / n, test_mse, ms)
    report.summary(b)


if __name__ == "__main__":
    main(ARGS)

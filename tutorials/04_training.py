# ---
# jupyter:
#   jupytext:
#     formats: py:percent
# ---

# %% [markdown]
# # 4. Training a model
#
# Two small models trained from scratch with plain stochastic gradient
# descent, the gradient *and* the parameter update written in the Myia subset:
#
# 1. a multi-layer perceptron classifying the "two moons" data set, with its
#    loss curve and decision boundary;
# 2. a recurrent network predicting the next value of a sine wave, a loop over
#    time steps differentiated by Myia.
#
# The data is generated with numpy (no downloads). Each training step runs on
# the default backend, the production VM (tutorial 7 compares it with the
# debug VM); the models and step counts are small so that the whole tutorial
# runs in seconds. The times it prints depend on the machine.
# Plots are written as PNG files to `tutorial_output/` (or to the folder named
# by `MYIA_TUTORIAL_OUT`).

# %%
import dataclasses
import os
import pathlib
import time

import matplotlib.pyplot as plt  # with no display, matplotlib draws off-screen
import numpy as np

import myia

OUT = pathlib.Path(os.environ.get("MYIA_TUTORIAL_OUT", "tutorial_output"))
OUT.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)

# %% [markdown]
# ## The data: two interleaving half circles


# %%
def two_moons(n, noise, rng):
    t = rng.uniform(0.0, np.pi, n)
    label = rng.integers(0, 2, n)
    x = np.where(label == 0, np.cos(t), 1.0 - np.cos(t))
    y = np.where(label == 0, np.sin(t), 0.5 - np.sin(t))
    points = np.stack([x, y], axis=1) + rng.normal(0.0, noise, (n, 2))
    return points, label.astype(np.float64)


x_train, y_train = two_moons(200, 0.15, rng)
x_test, y_test = two_moons(200, 0.15, rng)
print(x_train.shape, y_train.mean())

# %% [markdown]
# ## The model, its loss and one SGD step, in the subset
#
# The parameters are a dataclass. `myia.grad` of a function of a dataclass
# returns an instance of the same class holding the gradients, so the SGD
# update is a field-by-field expression. The loss is the logistic loss,
# written in the numerically stable form `max(z, 0) - z y + log(1 + exp(-|z|))`.


# %%
@dataclasses.dataclass(frozen=True)
class MLP:
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray


def logits(p, x):
    h = np.tanh(x @ p.w1 + p.b1)
    return (h @ p.w2 + p.b2)[:, 0]


def logistic_loss(p, x, y):
    z = logits(p, x)
    return np.mean(np.maximum(z, 0.0) - z * y + np.log(1.0 + np.exp(-np.abs(z))))


@myia.myia
def mlp_step(p, x, y, lr):
    loss, g = myia.value_and_grad(logistic_loss)(p, x, y)
    return loss, MLP(p.w1 - lr * g.w1, p.b1 - lr * g.b1, p.w2 - lr * g.w2, p.b2 - lr * g.b2)


predict = myia.myia(logits)


def init_mlp(hidden, rng):
    return MLP(rng.normal(0.0, 1.0, (2, hidden)), np.zeros(hidden),
               rng.normal(0.0, 1.0 / np.sqrt(hidden), (hidden, 1)), np.zeros(1))


# %% [markdown]
# Before training, a check that Myia's gradient of the loss agrees with
# finite differences on a few parameters (tutorial 2 shows why this is worth
# doing every time you write a new model):

# %%
params = init_mlp(16, rng)
g = myia.grad(logistic_loss)(params, x_train, y_train)
for field, index in (("w1", (1, 3)), ("b1", (5,)), ("w2", (7, 0)), ("b2", (0,))):
    bump = np.zeros_like(getattr(params, field))
    bump[index] = 1e-6
    up = dataclasses.replace(params, **{field: getattr(params, field) + bump})
    down = dataclasses.replace(params, **{field: getattr(params, field) - bump})
    fd = (logistic_loss(up, x_train, y_train) - logistic_loss(down, x_train, y_train)) / 2e-6
    print(f"{field}{list(index)}: AD {getattr(g, field)[index]: .9f}  FD {fd: .9f}")

# %% [markdown]
# ## Training
#
# Full-batch gradient descent; the Python loop only calls the Myia step and
# records the loss.

# %%
steps, lr = 300, 0.5
losses = []
start = time.perf_counter()
for step in range(steps):
    loss, params = mlp_step(params, x_train, y_train, lr)
    losses.append(float(loss))
elapsed = time.perf_counter() - start
print(f"{steps} steps in {elapsed:.2f} s ({1000 * elapsed / steps:.1f} ms per step on the production VM)")
print(f"loss: {losses[0]:.4f} -> {losses[-1]:.4f}")


def accuracy(p, x, y):
    return np.mean((predict(p, x) > 0) == (y > 0.5))


print(f"train accuracy {accuracy(params, x_train, y_train):.3f}, "
      f"test accuracy {accuracy(params, x_test, y_test):.3f}")

# %% [markdown]
# The loss curve, and the decision boundary: the model is evaluated by Myia
# on a 150 x 150 grid in one call (the grid is one `(22500, 2)` array).

# %%
fig, (ax_loss, ax_map) = plt.subplots(1, 2, figsize=(11, 4.5))
ax_loss.plot(losses)
ax_loss.set(xlabel="SGD step", ylabel="logistic loss", title="MLP training loss", yscale="log")

gx, gy = np.meshgrid(np.linspace(-1.6, 2.6, 150), np.linspace(-1.2, 1.7, 150))
grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
z = predict(params, grid).reshape(gx.shape)
ax_map.contourf(gx, gy, 1 / (1 + np.exp(-z)), levels=20, cmap="RdBu_r", alpha=0.7)
ax_map.contour(gx, gy, z, levels=[0.0], colors="k")
ax_map.scatter(x_test[:, 0], x_test[:, 1], c=y_test, cmap="RdBu_r", edgecolors="k", s=18)
ax_map.set(title="decision boundary (test points)", xlabel="$x_1$", ylabel="$x_2$")
fig.tight_layout()
fig.savefig(OUT / "mlp_moons.png", dpi=90)
print("wrote", OUT / "mlp_moons.png")

# %% [markdown]
# ## A recurrent network: predicting a sine wave
#
# Each training sequence is a sine wave with a random frequency and phase.
# The network reads it one value at a time and, at each step, predicts the
# next value. The loop over time is an ordinary `for` loop in the subset, so
# the gradient is backpropagation through time, derived by Myia.


# %%
T = 24  # time steps per sequence


def sine_batch(n, rng):
    freq = rng.uniform(0.15, 0.45, (1, n))
    phase = rng.uniform(0.0, 2 * np.pi, (1, n))
    t = np.arange(T + 1)[:, None]
    return np.sin(freq * t + phase)  # (T + 1, n): time first


@dataclasses.dataclass(frozen=True)
class RNN:
    wx: np.ndarray
    wh: np.ndarray
    b: np.ndarray
    wo: np.ndarray
    bo: np.ndarray


def rnn_predictions(p, seq):
    """The prediction for seq[t + 1] made after reading seq[:t + 1], for every t."""
    h = np.zeros((seq.shape[1], p.wh.shape[0]))
    preds = np.zeros((0, seq.shape[1]))
    for t in range(seq.shape[0] - 1):
        h = np.tanh(seq[t][:, None] @ p.wx + h @ p.wh + p.b)
        y = (h @ p.wo + p.bo)[:, 0]
        preds = np.concatenate((preds, y[None, :]), axis=0)
    return preds


def rnn_loss(p, seq):
    return np.mean((rnn_predictions(p, seq) - seq[1:]) ** 2)


@myia.myia
def rnn_step(p, seq, lr):
    loss, g = myia.value_and_grad(rnn_loss)(p, seq)
    return loss, RNN(p.wx - lr * g.wx, p.wh - lr * g.wh, p.b - lr * g.b,
                     p.wo - lr * g.wo, p.bo - lr * g.bo)


hidden = 12
rnn = RNN(rng.normal(0.0, 0.5, (1, hidden)), rng.normal(0.0, 0.3, (hidden, hidden)),
          np.zeros(hidden), rng.normal(0.0, 0.3, (hidden, 1)), np.zeros(1))

# %% [markdown]
# The same finite-difference check, on one recurrent weight (the gradient of
# `wh` flows through every time step):

# %%
seq = sine_batch(16, rng)
g = myia.grad(rnn_loss)(rnn, seq)
bump = np.zeros_like(rnn.wh)
bump[2, 5] = 1e-6
fd = (rnn_loss(dataclasses.replace(rnn, wh=rnn.wh + bump), seq)
      - rnn_loss(dataclasses.replace(rnn, wh=rnn.wh - bump), seq)) / 2e-6
print(f"wh[2, 5]: AD {g.wh[2, 5]: .9f}  FD {fd: .9f}")

# %% [markdown]
# Training, with a fresh batch of 32 sequences at every step:

# %%
steps, lr = 150, 0.3
rnn_losses = []
start = time.perf_counter()
for step in range(steps):
    loss, rnn = rnn_step(rnn, sine_batch(32, rng), lr)
    rnn_losses.append(float(loss))
elapsed = time.perf_counter() - start
print(f"{steps} steps in {elapsed:.2f} s ({1000 * elapsed / steps:.1f} ms per step on the production VM)")
print(f"loss: {np.mean(rnn_losses[:10]):.4f} (first 10 steps) -> {np.mean(rnn_losses[-10:]):.4f} (last 10)")

test = sine_batch(64, rng)
preds = myia.myia(rnn_predictions)(rnn, test)
print(f"test loss {np.mean((preds - test[1:]) ** 2):.4f}; "
      f"predicting the last value seen would give {np.mean((test[:-1] - test[1:]) ** 2):.4f}")
per_step = np.mean((preds - test[1:]) ** 2, axis=1)
print("test error by time step:", np.round(per_step[:6], 4), "...", np.round(per_step[-3:], 4))

# %%
fig, (ax_loss, ax_pred) = plt.subplots(1, 2, figsize=(11, 4.5))
ax_loss.plot(rnn_losses, lw=0.8)
ax_loss.set(xlabel="SGD step", ylabel="mean squared error", title="RNN training loss", yscale="log")
for k, color in zip(range(3), ("C0", "C1", "C2")):
    ax_pred.plot(np.arange(T + 1), test[:, k], color=color, lw=1.5, alpha=0.5)
    ax_pred.plot(np.arange(1, T + 1), preds[:, k], "o", color=color, ms=3.5)
ax_pred.set(xlabel="time step", title="sine waves (lines) and next-step predictions (dots)")
fig.tight_layout()
fig.savefig(OUT / "rnn_sine.png", dpi=90)
print("wrote", OUT / "rnn_sine.png")

# %% [markdown]
# The error by time step shows what the network learned: after one value it
# cannot know the wave's frequency or direction yet, and its predictions
# improve as it reads more of the sequence.
#
# Next, tutorial 5: what to do when a gradient comes out as NaN.

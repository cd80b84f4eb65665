#!/usr/bin/env python3
"""PyTorch reference for bench/run.ts: one convolutional VAE training step on
28x28x1 images, batch 64, latent 16: the architecture of
buildConvVAE({ imageSize: 28, latentDim: 16 }) (3x3 stride-2 convolutions with
32 and 64 filters, dense posterior; dense 7*7*64, transposed convolutions
64, 32 (stride 2) and 1 (stride 1)), Bernoulli likelihood, Adam. Prints ms_per_step=...

Run as bench/run.ts runs it (docs/performance.md says why): /usr/bin/python3, OPENBLAS_NUM_THREADS=1, 2 torch threads.
"""
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(0)
Z, B = 16, 64
enc = nn.Sequential(nn.Conv2d(1, 32, 3, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 3, 2, 1), nn.ReLU(), nn.Flatten())
mean, logvar = nn.Linear(7 * 7 * 64, Z), nn.Linear(7 * 7 * 64, Z)
dec = nn.Sequential(
    nn.Linear(Z, 7 * 7 * 64), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)),
    nn.ConvTranspose2d(64, 64, 3, 2, 1, output_padding=1), nn.ReLU(),
    nn.ConvTranspose2d(64, 32, 3, 2, 1, output_padding=1), nn.ReLU(),
    nn.ConvTranspose2d(32, 1, 3, 1, 1),
)
params = [*enc.parameters(), *mean.parameters(), *logvar.parameters(), *dec.parameters()]
opt = torch.optim.Adam(params, 1e-3)
x = (torch.rand(B, 1, 28, 28) > 0.7).float()


def step():
    opt.zero_grad(set_to_none=True)
    h = enc(x)
    mu, lv = mean(h), logvar(h)
    z = mu + torch.exp(0.5 * lv) * torch.randn_like(mu)
    logits = dec(z)
    rec = F.binary_cross_entropy_with_logits(logits, x, reduction='none').sum((1, 2, 3))
    kl = -0.5 * (1 + lv - mu ** 2 - lv.exp()).sum(1)
    (rec + kl).mean().backward()
    opt.step()


for _ in range(3):
    step()
reps = 20
t0 = time.perf_counter()
for _ in range(reps):
    step()
print(f"ms_per_step={(time.perf_counter() - t0) / reps * 1000:.3f}")

#!/usr/bin/env python3
"""PyTorch reference for bench/run.ts: one MNIST DCGAN step (D + G), batch 64,
32 filters, the same architecture as buildDCGAN({ imageSize: 28, channels: 1,
generatorFilters: 32, discriminatorFilters: 32 }). Prints ms_per_step=…

Run as bench/run.ts runs it (docs/performance.md says why): /usr/bin/python3, OPENBLAS_NUM_THREADS=1, 2 torch threads.
"""
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(0)
nz, f, B = 100, 32, 64

G = nn.Sequential(
    nn.ConvTranspose2d(nz, f * 2, 7, 1, 0, bias=False), nn.BatchNorm2d(f * 2), nn.ReLU(True),
    nn.ConvTranspose2d(f * 2, f, 4, 2, 1, bias=False), nn.BatchNorm2d(f), nn.ReLU(True),
    nn.ConvTranspose2d(f, 1, 4, 2, 1, bias=False), nn.Tanh(),
)
D = nn.Sequential(
    nn.Conv2d(1, f, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, True),
    nn.Conv2d(f, f * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(f * 2), nn.LeakyReLU(0.2, True),
    nn.Conv2d(f * 2, 1, 7, 1, 0, bias=False),
)
opt_d = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
opt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
real = torch.rand(B, 1, 28, 28) * 2 - 1


def step():
    fake = G(torch.randn(B, nz, 1, 1)).detach()
    opt_d.zero_grad()
    loss_d = F.softplus(-D(real)).mean() + F.softplus(D(fake)).mean()
    loss_d.backward()
    opt_d.step()
    opt_g.zero_grad()
    loss_g = F.softplus(-D(G(torch.randn(B, nz, 1, 1)))).mean()
    loss_g.backward()
    opt_g.step()


step()
reps = 20
t0 = time.perf_counter()
for _ in range(reps):
    step()
print(f'ms_per_step={(time.perf_counter() - t0) / reps * 1000:.1f}')

#!/usr/bin/env python3
"""PyTorch reference for bench/run.ts: one WaveNet training step (2 cycles x 10
layers, dilations 1..512, kernel 2, 64 residual / 256 skip channels, 256
classes), batch 4 x 4,096 samples (or the window given as the argument), the same architecture as buildWaveNet; and,
with `generate`, cached generation in samples per second (per-layer queues, as
Paine et al. 2016). Prints ms_per_step=... or samples_per_second=...

Run as bench/run.ts runs it (docs/performance.md says why): /usr/bin/python3, OPENBLAS_NUM_THREADS=1, 2 torch threads.
"""
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(0)
R, S, Q, K = 64, 256, 256, 2
DIL = [2 ** i for i in range(10)] * 2


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(Q, R)
        self.dil = nn.ModuleList([nn.Conv1d(R, 2 * R, K, dilation=d) for d in DIL])
        self.res = nn.ModuleList([nn.Conv1d(R, R, 1) for _ in DIL])
        self.skip = nn.ModuleList([nn.Conv1d(R, S, 1) for _ in DIL])
        self.h1 = nn.Conv1d(S, S, 1)
        self.h2 = nn.Conv1d(S, Q, 1)

    def forward(self, ids):
        x = self.emb(ids).transpose(1, 2)  # [B, R, T]
        total = 0
        for d, dil, res, skip in zip(DIL, self.dil, self.res, self.skip):
            h = dil(F.pad(x, ((K - 1) * d, 0)))
            z = torch.tanh(h[:, :R]) * torch.sigmoid(h[:, R:])
            x = x + res(z)
            total = total + skip(z)
        return self.h2(F.relu(self.h1(F.relu(total))))


net = Net()
if len(sys.argv) > 1 and sys.argv[1] == 'generate':
    n = 2000
    with torch.no_grad():
        queues = [torch.zeros(d * (K - 1) + 1, R) for d in DIL]
        cls = 128
        t0 = time.perf_counter()
        for i in range(n):
            x = net.emb.weight[cls]
            total = torch.zeros(S)
            for j, (d, dil, res, skip) in enumerate(zip(DIL, net.dil, net.res, net.skip)):
                q = torch.cat([queues[j][1:], x[None]])
                queues[j] = q
                taps = torch.stack([q[0], q[-1]], 1)  # x[t - d], x[t]
                h = (dil.weight * taps[None]).sum((1, 2)) + dil.bias
                z = torch.tanh(h[:R]) * torch.sigmoid(h[R:])
                x = x + res.weight[:, :, 0] @ z + res.bias
                total = total + skip.weight[:, :, 0] @ z + skip.bias
            logits = net.h2.weight[:, :, 0] @ F.relu(net.h1.weight[:, :, 0] @ F.relu(total) + net.h1.bias) + net.h2.bias
            cls = int(torch.multinomial(F.softmax(logits, 0), 1))
        print(f"samples_per_second={n / (time.perf_counter() - t0):.1f}")
    sys.exit(0)

opt = torch.optim.Adam(net.parameters(), 1e-3)
window = int(sys.argv[1]) if len(sys.argv) > 1 else 4096
ids = torch.randint(0, Q, (4, window + 1))


def step():
    opt.zero_grad(set_to_none=True)
    logits = net(ids[:, :-1])
    F.cross_entropy(logits, ids[:, 1:]).backward()
    opt.step()


for _ in range(2):
    step()
reps = 5
t0 = time.perf_counter()
for _ in range(reps):
    step()
print(f"ms_per_step={(time.perf_counter() - t0) / reps * 1000:.3f}")

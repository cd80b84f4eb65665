#!/usr/bin/env python3
"""PyTorch reference for bench/generation.ts: cached WaveNet generation, one
stream, with per-layer queues of past inputs (Paine et al. 2016, "Fast Wavenet
Generation Algorithm"), the loop a PyTorch user writes: 2 cycles x 10 layers,
dilations 1..512, kernel 2, 64 residual / 256 skip channels, 256 classes,
random weights, each sample drawn with torch.multinomial and fed back.

Usage: torch_wavenet_generation.py [samples]  (default 2000, after 200 warm-up
samples). Prints ms_per_sample=..., cpu_ms_per_sample=... (process CPU
time) and samples_per_second=...
Run as bench/generation.ts runs it: /usr/bin/python3, OPENBLAS_NUM_THREADS=1, 2 torch threads.
"""
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(0)
R, S, Q, K = 64, 256, 256, 2
DIL = [2 ** i for i in range(10)] * 2

emb = torch.randn(Q, R) * 0.1
dil_w = [torch.randn(2 * R, R, K) * 0.1 for _ in DIL]
dil_b = [torch.zeros(2 * R) for _ in DIL]
res_w = [torch.randn(R, R) * 0.1 for _ in DIL]
res_b = [torch.zeros(R) for _ in DIL]
skip_w = [torch.randn(S, R) * 0.1 for _ in DIL]
skip_b = [torch.zeros(S) for _ in DIL]
h1_w, h1_b = torch.randn(S, S) * 0.06, torch.zeros(S)
h2_w, h2_b = torch.randn(Q, S) * 0.06, torch.zeros(Q)


def generate(n):
    # One ring per layer of its last (K-1)*d + 1 inputs, rolled by one each sample.
    queues = [torch.zeros(d * (K - 1) + 1, R) for d in DIL]
    heads = [0 for _ in DIL]
    cls = 128
    with torch.no_grad():
        for _ in range(n):
            x = emb[cls]
            total = torch.zeros(S)
            for j, d in enumerate(DIL):
                q = queues[j]
                size = q.shape[0]
                q[heads[j]] = x
                past = q[(heads[j] - d) % size]  # x[t - d]
                heads[j] = (heads[j] + 1) % size
                h = dil_w[j][:, :, 0] @ past + dil_w[j][:, :, 1] @ x + dil_b[j]
                z = torch.tanh(h[:R]) * torch.sigmoid(h[R:])
                x = x + res_w[j] @ z + res_b[j]
                total = total + skip_w[j] @ z + skip_b[j]
            logits = h2_w @ F.relu(h1_w @ F.relu(total) + h1_b) + h2_b
            cls = int(torch.multinomial(F.softmax(logits, 0), 1))


n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
generate(200)
t0, c0 = time.perf_counter(), time.process_time()
generate(n)
seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
print(f"ms_per_sample={1000 * seconds / n:.4f}")
print(f"cpu_ms_per_sample={1000 * cpu / n:.4f}")  # process CPU time: steadier than wall time on a shared machine
print(f"samples_per_second={n / seconds:.1f}")

#!/usr/bin/env python3
"""PyTorch reference for bench/run.ts: causal multi-head self-attention forward +
backward (gradients to the input and all weights), batch 8, length 256,
width 256, 4 heads: torch.nn.MultiheadAttention, as MultiHeadAttention in
tfjs-generative/attention. Prints ms_per_step=…

Run as bench/run.ts runs it (docs/performance.md says why): /usr/bin/python3, OPENBLAS_NUM_THREADS=1, 2 torch threads.
"""
import sys
import time

import torch

torch.set_num_threads(2)
torch.manual_seed(0)
B, T, C, H = 8, 256, 256, 4
reps = int(sys.argv[1]) if len(sys.argv) > 1 else 20
mha = torch.nn.MultiheadAttention(C, H, batch_first=True)
x = torch.randn(B, T, C, requires_grad=True)
r = torch.randn(B, T, C)
mask = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)


def step():
    mha.zero_grad(set_to_none=True)
    x.grad = None
    out, _ = mha(x, x, x, attn_mask=mask, need_weights=False)
    (out * r).sum().backward()


for _ in range(3):
    step()
t0 = time.perf_counter()
for _ in range(reps):
    step()
print(f"ms_per_step={(time.perf_counter() - t0) / reps * 1000:.3f}")

#!/usr/bin/env python3
"""Writes test/fixtures/audio.json: causal dilated convolutions as PyTorch computes
them (torch.nn.functional.conv1d on a left-padded input), values and gradients, and
a WaveNet block (gated tanh/sigmoid unit, global conditioning, residual and skip
projections) built from torch ops: the independent implementations that
src/audio is checked against.

Run with Debian's torch: /usr/bin/python3 scripts/gen_audio_fixtures.py
(needs python3-torch; the tests only read the JSON, never torch).

Kernels are given in the library's layout [K, Ci, Co] (PyTorch's is [Co, Ci, K]).
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(2024)
DT = torch.float64


def lst(t):
    return t.detach().double().reshape(-1).tolist()


def causal(x, w, b, d):
    """x [B, T, Ci], w [Co, Ci, K] (PyTorch layout) -> [B, T, Co]."""
    k = w.shape[2]
    xt = F.pad(x.transpose(1, 2), ((k - 1) * d, 0))
    return F.conv1d(xt, w, b, dilation=d).transpose(1, 2)


def conv_case(name, b, t, ci, co, k, d):
    x = torch.randn(b, t, ci, dtype=DT, requires_grad=True)
    w = torch.randn(co, ci, k, dtype=DT, requires_grad=True)
    bias = torch.randn(co, dtype=DT, requires_grad=True)
    y = causal(x, w, bias, d)
    r = torch.randn_like(y)
    (y * r).sum().backward()
    return {'name': name, 'B': b, 'T': t, 'Ci': ci, 'Co': co, 'K': k, 'dilation': d,
            'x': lst(x), 'kernel': lst(w.permute(2, 1, 0)), 'bias': lst(bias), 'output': lst(y), 'cotangent': lst(r),
            'xGrad': lst(x.grad), 'kernelGrad': lst(w.grad.permute(2, 1, 0)), 'biasGrad': lst(bias.grad)}


def block_case(name, b, t, r, s, k, d, g):
    x = torch.randn(b, t, r, dtype=DT, requires_grad=True)
    wd = (torch.randn(2 * r, r, k, dtype=DT) * 0.5).requires_grad_()
    bd = (torch.randn(2 * r, dtype=DT) * 0.1).requires_grad_()
    c = torch.randn(b, g, dtype=DT) if g else None
    wc = (torch.randn(g, 2 * r, dtype=DT) * 0.5).requires_grad_() if g else None
    wr = (torch.randn(r, r, dtype=DT) * 0.5).requires_grad_()
    br = (torch.randn(r, dtype=DT) * 0.1).requires_grad_()
    ws = (torch.randn(r, s, dtype=DT) * 0.5).requires_grad_()
    bs = (torch.randn(s, dtype=DT) * 0.1).requires_grad_()
    h = causal(x, wd, bd, d)
    if g:
        h = h + (c @ wc)[:, None, :]
    f, gate = h[..., :r], h[..., r:]
    z = torch.tanh(f) * torch.sigmoid(gate)
    res = x + z @ wr + br
    skip = z @ ws + bs
    r1, r2 = torch.randn_like(res), torch.randn_like(skip)
    ((res * r1).sum() + (skip * r2).sum()).backward()
    weights = [wd.permute(2, 1, 0), bd] + ([wc] if g else []) + [wr, br, ws, bs]
    return {'name': name, 'B': b, 'T': t, 'R': r, 'S': s, 'K': k, 'dilation': d, 'G': g,
            'x': lst(x), 'conditioning': lst(c) if g else None,
            'weights': [{'shape': list(w.shape), 'values': lst(w)} for w in weights],
            'residual': lst(res), 'skip': lst(skip), 'cotangentResidual': lst(r1), 'cotangentSkip': lst(r2),
            'xGrad': lst(x.grad), 'dilatedKernelGrad': lst(wd.grad.permute(2, 1, 0))}


fixture = {
    'causalConv1d': [
        conv_case('K 3, dilation 2', 2, 9, 3, 4, 3, 2),
        conv_case('K 2, dilation 4', 1, 7, 2, 3, 2, 4),
        conv_case('K 1', 2, 5, 3, 2, 1, 1),
        conv_case('K 4, dilation 3: padding longer than T', 1, 5, 2, 2, 4, 3),
    ],
    'waveNetBlock': [
        block_case('K 2, dilation 2, no conditioning', 2, 8, 4, 5, 2, 2, 0),
        block_case('K 3, dilation 1, conditioning 3', 2, 6, 3, 4, 3, 1, 3),
    ],
}
out = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'audio.json')
with open(out, 'w') as fh:
    json.dump(fixture, fh)
print('wrote', os.path.normpath(out))

#!/usr/bin/env python3
"""Writes test/fixtures/gradient-penalty.json: the WGAN-GP gradient penalty
(Gulrajani et al. 2017) and its gradient to the critic's weights, computed by
PyTorch's double backward with fixed interpolation weights: the independent
implementation src/gan/gradientPenalty.ts is checked against.

Run with Debian's torch: /usr/bin/python3 scripts/gen_gradient_penalty_fixtures.py
(needs python3-torch; the tests only read the JSON, never torch).

Weights are in tfjs-layers' layouts: dense kernels [in, out], conv kernels [K, K, Ci, Co].
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(77)
DT = torch.float64


def lst(t):
    return t.detach().double().reshape(-1).tolist()


def grads_of(p, params):
    # The output bias does not change the gradient wrt x: its gradient is zero.
    gs = torch.autograd.grad(p, params, allow_unused=True)
    return [torch.zeros_like(w) if g is None else g for g, w in zip(gs, params)]


def penalty(critic, real, fake, eps, lam):
    shape = [real.shape[0]] + [1] * (real.dim() - 1)
    x = (eps.reshape(shape) * real + (1 - eps.reshape(shape)) * fake).requires_grad_(True)
    out = critic(x).sum()
    (g,) = torch.autograd.grad(out, x, create_graph=True)
    norms = g.reshape(g.shape[0], -1).norm(dim=1)
    return lam * ((norms - 1) ** 2).mean()


def dense_case():
    w1 = (torch.randn(4, 8, dtype=DT) * 0.8).requires_grad_()
    b1 = (torch.randn(8, dtype=DT) * 0.1).requires_grad_()
    w2 = (torch.randn(8, 1, dtype=DT) * 0.8).requires_grad_()
    b2 = (torch.randn(1, dtype=DT) * 0.1).requires_grad_()
    critic = lambda x: F.leaky_relu(x @ w1 + b1, 0.2) @ w2 + b2
    real, fake = torch.randn(5, 4, dtype=DT), torch.randn(5, 4, dtype=DT)
    eps = torch.rand(5, 1, dtype=DT)
    p = penalty(critic, real, fake, eps, 10.0)
    grads = grads_of(p, [w1, b1, w2, b2])
    return {'name': 'dense → leakyReLU(0.2) → dense', 'kind': 'dense', 'weights': [{'shape': list(w.shape), 'values': lst(w)} for w in (w1, b1, w2, b2)],
            'realShape': list(real.shape), 'real': lst(real), 'fake': lst(fake), 'epsilon': lst(eps), 'weight': 10.0,
            'penalty': p.item(), 'weightGrads': [lst(g) for g in grads]}


def conv_case():
    wc = (torch.randn(4, 2, 3, 3, dtype=DT) * 0.5).requires_grad_()  # [Co, Ci, K, K]
    bc = (torch.randn(4, dtype=DT) * 0.1).requires_grad_()
    wd = (torch.randn(4 * 3 * 3, 1, dtype=DT) * 0.3).requires_grad_()
    bd = (torch.randn(1, dtype=DT) * 0.1).requires_grad_()

    def critic(x):  # x [B, H, W, C] as tfjs (NHWC); conv 3x3 stride 2 'same' -> leakyReLU -> flatten (NHWC order) -> dense
        # TensorFlow's 'same' for 6x6, kernel 3, stride 2 pads 0 before and 1 after each side.
        h = F.conv2d(F.pad(x.permute(0, 3, 1, 2), (0, 1, 0, 1)), wc, bc, stride=2)  # [B, 4, 3, 3]
        h = F.leaky_relu(h, 0.2).permute(0, 2, 3, 1).reshape(x.shape[0], -1)
        return h @ wd + bd
    real, fake = torch.randn(3, 6, 6, 2, dtype=DT), torch.randn(3, 6, 6, 2, dtype=DT)
    eps = torch.rand(3, 1, dtype=DT)
    p = penalty(critic, real, fake, eps, 10.0)
    grads = grads_of(p, [wc, bc, wd, bd])
    return {'name': 'conv 3x3/2 → leakyReLU(0.2) → dense', 'kind': 'conv',
            'weights': [{'shape': [3, 3, 2, 4], 'values': lst(wc.permute(2, 3, 1, 0))}, {'shape': [4], 'values': lst(bc)},
                        {'shape': list(wd.shape), 'values': lst(wd)}, {'shape': [1], 'values': lst(bd)}],
            'realShape': list(real.shape), 'real': lst(real), 'fake': lst(fake), 'epsilon': lst(eps), 'weight': 10.0,
            'penalty': p.item(), 'weightGrads': [lst(grads[0].permute(2, 3, 1, 0)), lst(grads[1]), lst(grads[2]), lst(grads[3])]}


fixture = {'cases': [dense_case(), conv_case()]}
out = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'gradient-penalty.json')
with open(out, 'w') as fh:
    json.dump(fixture, fh)
print('wrote', os.path.normpath(out))

#!/usr/bin/env python3
"""Writes test/fixtures/cyclegan.json: PyTorch's nn.InstanceNorm2d (the
normalization of CycleGAN, Zhu et al. 2017) on fixed inputs, its output and
the gradients of sum(y * r) to the input and to the scale and offset: the
independent implementation src/gan/InstanceNormalization.ts is checked against.

Run with Debian's torch: /usr/bin/python3 scripts/gen_cyclegan_fixtures.py
(needs python3-torch; the tests only read the JSON, never torch).

Tensors are written in tfjs' NHWC layout, flattened in row-major order.
"""
import json
import os

import torch

torch.set_num_threads(2)
torch.manual_seed(2017)
DT = torch.float64


def lst(t):
    return t.detach().double().reshape(-1).tolist()


def case(name, shape, affine, eps=1e-5):
    b, h, w, c = shape
    # Inputs with a non-zero mean and a per-channel scale, so normalization matters.
    x = (torch.randn(b, h, w, c, dtype=DT) * torch.linspace(0.5, 3.0, c, dtype=DT) + 1.5).requires_grad_()
    r = torch.randn(b, h, w, c, dtype=DT)  # upstream gradient: loss = sum(y * r)
    norm = torch.nn.InstanceNorm2d(c, eps=eps, affine=affine, track_running_stats=False).double()
    if affine:
        with torch.no_grad():
            norm.weight.copy_(torch.randn(c, dtype=DT) * 0.5 + 1)
            norm.bias.copy_(torch.randn(c, dtype=DT) * 0.5)
    # Everything contiguous in NCHW: this torch (Debian's 1.13) returns a wrong input gradient
    # for a batch of 1 when the upstream gradient arrives channels-last (a permuted view),
    # as it would from `norm(x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)`.
    y_nchw = norm(x.permute(0, 3, 1, 2).contiguous())
    loss = (y_nchw * r.permute(0, 3, 1, 2).contiguous()).sum()
    y = y_nchw.permute(0, 2, 3, 1)  # NHWC
    params = [x] + ([norm.weight, norm.bias] if affine else [])
    grads = torch.autograd.grad(loss, params)
    # Cross-check against autograd through the definition, in NHWC.
    xd = x.detach().clone().requires_grad_()
    mean = xd.mean((1, 2), keepdim=True)
    var = ((xd - mean) ** 2).mean((1, 2), keepdim=True)
    yd = (xd - mean) / torch.sqrt(var + eps)
    if affine:
        yd = yd * norm.weight.detach() + norm.bias.detach()
    (gd,) = torch.autograd.grad((yd * r).sum(), [xd])
    assert torch.allclose(yd, y, atol=1e-12) and torch.allclose(gd, grads[0], atol=1e-10), name
    out = {'name': name, 'shape': shape, 'affine': affine, 'epsilon': eps, 'x': lst(x), 'upstream': lst(r),
           'y': lst(y), 'gradX': lst(grads[0])}
    if affine:
        out.update({'gamma': lst(norm.weight), 'beta': lst(norm.bias), 'gradGamma': lst(grads[1]), 'gradBeta': lst(grads[2])})
    return out


fixture = {'instanceNorm': [
    case('affine, [2, 5, 4, 3]', [2, 5, 4, 3], True),
    case('no affine, [3, 3, 3, 2]', [3, 3, 3, 2], False),
    case('affine, batch 1, [1, 6, 6, 4]', [1, 6, 6, 4], True),
]}
out = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'cyclegan.json')
with open(out, 'w') as fh:
    json.dump(fixture, fh)
print('wrote', os.path.normpath(out))

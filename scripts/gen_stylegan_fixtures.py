#!/usr/bin/env python3
"""Writes test/fixtures/stylegan.json: StyleGAN2's modulated convolution with
demodulation (Karras et al. 2020, eqs. 1-3) in its grouped-convolution form
(weights modulated per example, one F.conv2d with groups=B, as NVlabs'
`modulated_conv2d` with fused_modconv=True), values and gradients to the input,
the style vector and every weight: the independent implementation that
src/gan/ModulatedConv2D.ts (scaled input, one shared convolution, scaled
output) is checked against.

Run with Debian's torch: /usr/bin/python3 scripts/gen_stylegan_fixtures.py
(needs python3-torch; the tests only read the JSON, never torch).

Tensors are in tfjs layouts: x [B, H, W, Ci] (NHWC), kernel [K, K, Ci, Co],
style kernel [W, Ci]; the loss is sum(y * r) for a fixed random r [B, H, W, Co].
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(2020)
DT = torch.float64


def lst(t):
    return t.detach().double().reshape(-1).tolist()


def modulated_conv2d(x_nhwc, w, weight, style_kernel, style_bias, bias, demodulate):
    """x [B, H, W, Ci], w [B, W], weight [Co, Ci, K, K] (PyTorch layout)."""
    b, h, wd, ci = x_nhwc.shape
    co, _, k, _ = weight.shape
    s = w @ style_kernel + style_bias  # [B, Ci]
    wmod = weight[None] * s[:, None, :, None, None]  # [B, Co, Ci, K, K]: eq. 1
    if demodulate:
        d = (wmod.square().sum(dim=[2, 3, 4]) + 1e-8).rsqrt()  # [B, Co]: eq. 3
        wmod = wmod * d[:, :, None, None, None]
    x = x_nhwc.permute(0, 3, 1, 2).reshape(1, b * ci, h, wd)  # [1, B·Ci, H, W]
    y = F.conv2d(x, wmod.reshape(b * co, ci, k, k), padding=k // 2, groups=b)  # [1, B·Co, H, W]
    y = y.reshape(b, co, h, wd) + bias[None, :, None, None]
    return y.permute(0, 2, 3, 1)  # [B, H, W, Co]


def case(name, b, h, ci, co, k, style_dim, demodulate):
    x = torch.randn(b, h, h, ci, dtype=DT).requires_grad_()
    w = torch.randn(b, style_dim, dtype=DT).requires_grad_()
    weight = (torch.randn(co, ci, k, k, dtype=DT) * 0.5).requires_grad_()
    style_kernel = (torch.randn(style_dim, ci, dtype=DT) * 0.4).requires_grad_()
    style_bias = (1 + 0.1 * torch.randn(ci, dtype=DT)).requires_grad_()
    bias = (0.1 * torch.randn(co, dtype=DT)).requires_grad_()
    y = modulated_conv2d(x, w, weight, style_kernel, style_bias, bias, demodulate)
    r = torch.randn(y.shape, dtype=DT)
    loss = (y * r).sum()
    gx, gw, gk, gsk, gsb, gb = torch.autograd.grad(loss, [x, w, weight, style_kernel, style_bias, bias])
    to_tf = lambda t: t.permute(2, 3, 1, 0)  # [Co, Ci, K, K] -> [K, K, Ci, Co]
    return {
        'name': name, 'demodulate': demodulate, 'kernelSize': k, 'filters': co,
        'xShape': list(x.shape), 'x': lst(x), 'wShape': list(w.shape), 'w': lst(w),
        'kernelShape': [k, k, ci, co], 'kernel': lst(to_tf(weight)),
        'styleKernelShape': list(style_kernel.shape), 'styleKernel': lst(style_kernel),
        'styleBias': lst(style_bias), 'bias': lst(bias), 'r': lst(r),
        'yShape': list(y.shape), 'y': lst(y),
        'grads': {'x': lst(gx), 'w': lst(gw), 'kernel': lst(to_tf(gk)), 'styleKernel': lst(gsk), 'styleBias': lst(gsb), 'bias': lst(gb)},
    }


fixture = {'cases': [
    case('3x3 demodulated', 2, 5, 3, 4, 3, 6, True),
    case('3x3 modulated only', 2, 5, 3, 4, 3, 6, False),
    case('1x1 toRGB (modulated only)', 3, 4, 5, 2, 1, 6, False),
]}
out = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'stylegan.json')
with open(out, 'w') as fh:
    json.dump(fixture, fh)
print('wrote', os.path.normpath(out))

#!/usr/bin/env python3
"""Writes test/fixtures/gan-losses.json: GAN loss values and input gradients
computed by PyTorch, the independent implementation the library's losses are
checked against.

Run with Debian's torch: /usr/bin/python3 scripts/gen_gan_loss_fixtures.py
(needs python3-torch; the tests only read the JSON, never torch).
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(1234)
D = torch.float64


def bce_real_fake(real, fake):
    # -E[log σ(real)] - E[log(1 - σ(fake))], via PyTorch's own stable BCE-with-logits.
    return (F.binary_cross_entropy_with_logits(real, torch.ones_like(real))
            + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake)))


DISCRIMINATOR = {
    'minimaxDiscriminatorLoss': bce_real_fake,
    'leastSquaresDiscriminatorLoss': lambda r, f: 0.5 * F.mse_loss(r, torch.ones_like(r)) + 0.5 * F.mse_loss(f, torch.zeros_like(f)),
    'hingeDiscriminatorLoss': lambda r, f: F.relu(1 - r).mean() + F.relu(1 + f).mean(),
    'wassersteinDiscriminatorLoss': lambda r, f: f.mean() - r.mean(),
}
GENERATOR = {
    'nonSaturatingGeneratorLoss': lambda f: F.binary_cross_entropy_with_logits(f, torch.ones_like(f)),
    # E[log(1 - σ(f))] = E[logsigmoid(-f)]
    'saturatingGeneratorLoss': lambda f: F.logsigmoid(-f).mean(),
    'leastSquaresGeneratorLoss': lambda f: 0.5 * F.mse_loss(f, torch.ones_like(f)),
    'hingeGeneratorLoss': lambda f: -f.mean(),
    'wassersteinGeneratorLoss': lambda f: -f.mean(),
}

CASES = {
    'typical': (torch.randn(8, 1, dtype=D) * 2, torch.randn(8, 1, dtype=D) * 2),
    'large': (torch.tensor([[30.0], [-30.0], [100.0], [-100.0]], dtype=D),
              torch.tensor([[-100.0], [100.0], [30.0], [-30.0]], dtype=D)),
    'patch': (torch.randn(2, 3, 3, 1, dtype=D), torch.randn(2, 3, 3, 1, dtype=D) * 3),
    'unequalBatch': (torch.randn(5, 2, dtype=D), torch.randn(3, 2, dtype=D)),
}


def grad_of(fn, *xs):
    xs = [x.clone().requires_grad_(True) for x in xs]
    loss = fn(*xs)
    grads = torch.autograd.grad(loss, xs)
    return loss.item(), [g.tolist() for g in grads]


def main():
    out = {'cases': {}}
    for name, (real, fake) in CASES.items():
        case = {'real': real.tolist(), 'fake': fake.tolist(), 'shapes': [list(real.shape), list(fake.shape)], 'losses': {}}
        for loss_name, fn in DISCRIMINATOR.items():
            value, (g_real, g_fake) = grad_of(fn, real, fake)
            case['losses'][loss_name] = {'value': value, 'gradReal': g_real, 'gradFake': g_fake}
        for loss_name, fn in GENERATOR.items():
            value, (g_fake,) = grad_of(fn, fake)
            case['losses'][loss_name] = {'value': value, 'gradFake': g_fake}
        out['cases'][name] = case
    out['generatedBy'] = f'scripts/gen_gan_loss_fixtures.py with torch {torch.__version__}'
    path = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'gan-losses.json')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')
    print(f'wrote {os.path.normpath(path)}: {len(CASES)} cases × {len(DISCRIMINATOR) + len(GENERATOR)} losses')


if __name__ == '__main__':
    main()

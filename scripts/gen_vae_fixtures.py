#!/usr/bin/env python3
"""Writes test/fixtures/vae.json: the VAE losses (KL divergence to N(0, I),
Bernoulli negative log-likelihood from logits, Gaussian negative
log-likelihood with a fixed variance) and their input gradients, computed by
PyTorch's torch.distributions, the independent implementation the library's
losses are checked against.

Every loss is per example (summed over all non-batch axes). Gradients are of
sum_b w_b * loss_b with fixed random weights w, so that a per-example mix-up
would show.

Run with Debian's torch: /usr/bin/python3 scripts/gen_vae_fixtures.py
(needs python3-torch; the tests only read the JSON, never torch).
"""
import json
import math
import os

import torch
from torch.distributions import Bernoulli, Independent, Normal, kl_divergence

torch.set_num_threads(2)
torch.manual_seed(5)
D = torch.float64


def kl(mean, log_var):
    q = Normal(mean, torch.exp(0.5 * log_var))
    p = Normal(torch.zeros_like(mean), torch.ones_like(mean))
    return kl_divergence(q, p).flatten(1).sum(1)


def bernoulli_nll(logits, x):
    # Bernoulli(logits).log_prob(x) is -BCE-with-logits; it is the same formula for
    # x in [0, 1] (the cross-entropy used on gray pixels), so skip the support check.
    return -Bernoulli(logits=logits, validate_args=False).log_prob(x).flatten(1).sum(1)


def gaussian_nll(variance):
    def fn(x_hat, x):
        return -Normal(x_hat, math.sqrt(variance)).log_prob(x).flatten(1).sum(1)
    return fn


def weighted_grads(fn, weights, *xs):
    xs = [x.clone().requires_grad_(True) for x in xs]
    per_example = fn(*xs)
    grads = torch.autograd.grad((per_example * weights).sum(), xs)
    return per_example.tolist(), [g.tolist() for g in grads]


def kl_cases():
    return {
        'typical': (torch.randn(4, 3, dtype=D), torch.randn(4, 3, dtype=D)),
        'rank3': (torch.randn(2, 2, 3, dtype=D), torch.randn(2, 2, 3, dtype=D) * 2),
        'extreme': (torch.tensor([[0.0, 50.0], [-20.0, 0.0], [0.0, 0.0]], dtype=D),
                    torch.tensor([[-30.0, 0.0], [20.0, -15.0], [0.0, 0.0]], dtype=D)),
    }


def bernoulli_cases():
    return {
        'typical': (torch.randn(4, 6, dtype=D) * 3, torch.rand(4, 6, dtype=D)),
        'binary': (torch.randn(3, 2, 2, 1, dtype=D) * 2, (torch.rand(3, 2, 2, 1, dtype=D) > 0.5).to(D)),
        'extreme': (torch.tensor([[100.0, -100.0, 30.0, -30.0], [100.0, -100.0, 0.0, 1e-4]], dtype=D),
                    torch.tensor([[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 0.5, 1.0]], dtype=D)),
    }


def gaussian_cases():
    return {
        'typical': (torch.randn(4, 5, dtype=D), torch.randn(4, 5, dtype=D), 1.0),
        'smallVariance': (torch.randn(3, 4, dtype=D), torch.randn(3, 4, dtype=D) * 0.1, 0.01),
        'largeVariance': (torch.randn(2, 2, 2, 1, dtype=D) * 10, torch.randn(2, 2, 2, 1, dtype=D) * 10, 100.0),
        'extreme': (torch.tensor([[1000.0, -1000.0], [0.0, 1e-3]], dtype=D),
                    torch.tensor([[-1000.0, 1000.0], [0.0, 0.0]], dtype=D), 0.5),
    }


def main():
    out = {'klDivergence': {}, 'bernoulliNegLogLikelihood': {}, 'gaussianNegLogLikelihood': {}}
    for name, (mean, log_var) in kl_cases().items():
        w = torch.rand(mean.shape[0], dtype=D) + 0.5
        value, (g_mean, g_log_var) = weighted_grads(kl, w, mean, log_var)
        out['klDivergence'][name] = {
            'shape': list(mean.shape), 'mean': mean.flatten().tolist(), 'logVar': log_var.flatten().tolist(),
            'weights': w.tolist(), 'value': value,
            'gradMean': torch.tensor(g_mean).flatten().tolist(), 'gradLogVar': torch.tensor(g_log_var).flatten().tolist(),
        }
    for name, (logits, x) in bernoulli_cases().items():
        w = torch.rand(logits.shape[0], dtype=D) + 0.5
        value, (g_logits, g_x) = weighted_grads(bernoulli_nll, w, logits, x)
        out['bernoulliNegLogLikelihood'][name] = {
            'shape': list(logits.shape), 'logits': logits.flatten().tolist(), 'x': x.flatten().tolist(),
            'weights': w.tolist(), 'value': value,
            'gradLogits': torch.tensor(g_logits).flatten().tolist(), 'gradX': torch.tensor(g_x).flatten().tolist(),
        }
    for name, (x_hat, x, variance) in gaussian_cases().items():
        w = torch.rand(x.shape[0], dtype=D) + 0.5
        value, (g_x_hat, g_x) = weighted_grads(gaussian_nll(variance), w, x_hat, x)
        out['gaussianNegLogLikelihood'][name] = {
            'shape': list(x.shape), 'xHat': x_hat.flatten().tolist(), 'x': x.flatten().tolist(), 'variance': variance,
            'weights': w.tolist(), 'value': value,
            'gradXHat': torch.tensor(g_x_hat).flatten().tolist(), 'gradX': torch.tensor(g_x).flatten().tolist(),
        }
    out['generatedBy'] = f'scripts/gen_vae_fixtures.py with torch {torch.__version__}'
    path = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'vae.json')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')
    n = sum(len(v) for k, v in out.items() if k != 'generatedBy')
    print(f'wrote {os.path.normpath(path)}: {n} cases')


if __name__ == '__main__':
    main()

"""Writes pytorch/examples' VAE (vae/main.py: fc1, fc21, fc22, fc3, fc4) state
dict as safetensors with random weights, and what PyTorch computes with it
(encoder mean and log-variance of fixed inputs, decoder probabilities of fixed
latents), for src/io/importWeights.vae.test.ts. The sizes are smaller than the
example's 784-400-20 (64-32-4) so the file stays small; the names are the same.

    /usr/bin/python3 scripts/gen_vae_interop_fixtures.py
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'python'))
from tfjs_generative.safetensors import write_safetensors  # noqa: E402  (the one writer: python/tfjs_generative)

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'vae-interop')


class VAE(nn.Module):
    def __init__(self, n=784, hidden=400, latent=20):
        super().__init__()
        self.fc1 = nn.Linear(n, hidden)
        self.fc21 = nn.Linear(hidden, latent)
        self.fc22 = nn.Linear(hidden, latent)
        self.fc3 = nn.Linear(latent, hidden)
        self.fc4 = nn.Linear(hidden, n)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def decode(self, z):
        h3 = F.relu(self.fc3(z))
        return torch.sigmoid(self.fc4(h3))


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(11)
    model = VAE(64, 32, 4).eval()
    x = torch.rand(3, 64)
    z = torch.randn(3, 4)
    with torch.no_grad():
        mu, logvar = model.encode(x)
        probs = model.decode(z)
    write_safetensors(os.path.join(OUT, 'vae.safetensors'), model.state_dict(), {'format': 'pt'})
    write_safetensors(os.path.join(OUT, 'io.safetensors'), {'x': x, 'z': z, 'mu': mu, 'logvar': logvar, 'probs': probs}, {'format': 'pt'})
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump({'config': {'inputShape': [64], 'hiddenUnits': [32], 'latentDim': 4}, 'keys': sorted(model.state_dict().keys())}, f)
        f.write('\n')


if __name__ == '__main__':
    main()

"""The PyTorch twin of buildVAE (src/vae/buildVAE.ts) with one hidden layer:
pytorch/examples' VAE (Kingma & Welling 2013, https://arxiv.org/abs/1312.6114)
with the names of the 'vae' layout of importWeights / exportWeights
(src/vae/vaeLayout.ts): fc1 (input -> hidden), fc21 (mean), fc22
(log-variance), fc3 (latent -> hidden), fc4 (hidden -> output).

encode(x) flattens x row-major, as the model here flattens [B, ...inputShape]
(so images come channels-last, as tfjs holds them); decode(z) returns logits
reshaped to inputShape (pytorch/examples applies a sigmoid; the decoder here
returns logits). Config fields (buildVAE's names): inputShape, latentDim (16),
hiddenUnits (exactly one entry; buildVAE's default [512, 256] has two, so give
it), activation ('relu'), likelihood ('bernoulli' only), beta (1). `seed` is
accepted and ignored.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from ._config import check_keys, refuse

KEYS = ('inputShape', 'latentDim', 'hiddenUnits', 'activation', 'likelihood', 'beta', 'seed')
ACTIVATIONS = {'relu': F.relu, 'tanh': torch.tanh, 'elu': F.elu, 'selu': F.selu, 'sigmoid': torch.sigmoid, 'softplus': F.softplus}


class VAE(nn.Module):
    def __init__(self, config):
        super().__init__()
        check_keys('VAE', config, KEYS)
        refuse('VAE', config, 'activation', tuple(ACTIVATIONS))
        refuse('VAE', config, 'likelihood', ('bernoulli',))
        hidden = config.get('hiddenUnits')
        if not isinstance(hidden, list) or len(hidden) != 1:
            raise ValueError(f'VAE: `hiddenUnits` must have exactly one entry (fc1, fc3), received {hidden!r}')
        self.input_shape = list(config['inputShape'])
        n = math.prod(self.input_shape)
        latent = config.get('latentDim', 16)
        self.beta = config.get('beta', 1)
        self.act = ACTIVATIONS[config.get('activation', 'relu')]
        self.fc1 = nn.Linear(n, hidden[0])
        self.fc21 = nn.Linear(hidden[0], latent)
        self.fc22 = nn.Linear(hidden[0], latent)
        self.fc3 = nn.Linear(latent, hidden[0])
        self.fc4 = nn.Linear(hidden[0], n)

    def encode(self, x):
        h = self.act(self.fc1(x.reshape(x.shape[0], -1)))
        return self.fc21(h), self.fc22(h)  # mean, log-variance [B, Z]

    def decode(self, z):
        return self.fc4(self.act(self.fc3(z))).view(z.shape[0], *self.input_shape)  # logits

    def forward(self, x, eps=None):
        """(logits, mean, log-variance) of x; the decoder sees mean + exp(log_var / 2) * eps, or the mean without eps."""
        mean, log_var = self.encode(x)
        z = mean if eps is None else mean + torch.exp(0.5 * log_var) * eps
        return self.decode(z), mean, log_var

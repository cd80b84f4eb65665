"""The PyTorch twin of buildWaveNet (src/audio/buildWaveNet.ts): a standard gated
residual WaveNet (van den Oord et al. 2016, https://arxiv.org/abs/1609.03499)
over quantized audio, with the names of the 'wavenet' layout of
importWeights / exportWeights (src/audio/waveNetLayout.ts).

Classes [B, T] (int64) -> logits [B, T, Q]: position t predicts sample t + 1
from samples <= t. Config fields (buildWaveNet's names): residualChannels (64),
skipChannels (256), kernelSize (2), dilations (a list, or {layersPerCycle,
cycles}; {10, 2}), quantizationLevels (256), conditioningDim (none). `seed` and
`recompute` are accepted and ignored here (PyTorch's random streams differ
from tfjs'; recompute is a memory trade of the TypeScript side).

Legend: B batch, T time, Q classes, R residual channels, S skip channels, K taps, G conditioning size.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from ._config import check_keys

KEYS = ('residualChannels', 'skipChannels', 'kernelSize', 'dilations', 'quantizationLevels', 'conditioningDim', 'seed', 'recompute')


def resolve_dilations(d):
    if d is None:
        d = {'layersPerCycle': 10, 'cycles': 2}
    if isinstance(d, dict):
        return [2 ** (i % d['layersPerCycle']) for i in range(d['layersPerCycle'] * d['cycles'])]
    return [int(v) for v in d]


class Block(nn.Module):
    """x [B, R, T] -> (x + W_r z, W_s z), z = tanh(f) * sigmoid(g), [f, g] a causal dilated convolution of x (+ V c)."""

    def __init__(self, r, s, k, dilation, g):
        super().__init__()
        self.pad = (k - 1) * dilation
        self.dilated = nn.Conv1d(r, 2 * r, k, dilation=dilation)
        self.conditioning = nn.Linear(g, 2 * r, bias=False) if g else None
        self.residual = nn.Conv1d(r, r, 1)
        self.skip = nn.Conv1d(r, s, 1)

    def forward(self, x, c=None):
        h = self.dilated(F.pad(x, (self.pad, 0)))  # [B, 2R, T]
        if self.conditioning is not None:
            h = h + self.conditioning(c).unsqueeze(-1)
        f, g = h.chunk(2, dim=1)  # filter half first, gate half second
        z = torch.tanh(f) * torch.sigmoid(g)  # [B, R, T]
        return x + self.residual(z), self.skip(z)


class WaveNet(nn.Module):
    def __init__(self, config):
        super().__init__()
        check_keys('WaveNet', config, KEYS)
        r = config.get('residualChannels', 64)
        s = config.get('skipChannels', 256)
        k = config.get('kernelSize', 2)
        q = config.get('quantizationLevels', 256)
        g = config.get('conditioningDim')
        self.quantization_levels = q
        self.dilations = resolve_dilations(config.get('dilations'))
        self.input_conv = nn.Conv1d(q, r, 1, bias=False)  # over one-hot classes: an embedding table
        self.blocks = nn.ModuleList([Block(r, s, k, d, g) for d in self.dilations])
        self.output = nn.ModuleList([nn.Conv1d(s, s, 1), nn.Conv1d(s, q, 1)])
        self.receptive_field = (k - 1) * sum(self.dilations) + 1

    def forward(self, classes, conditioning=None):
        x = F.one_hot(classes.long(), self.quantization_levels).to(self.input_conv.weight.dtype).transpose(1, 2)  # [B, Q, T]
        x = self.input_conv(x)  # [B, R, T]
        skips = 0
        for block in self.blocks:
            x, skip = block(x, conditioning)
            skips = skips + skip  # [B, S, T]
        h = self.output[0](F.relu(skips))
        return self.output[1](F.relu(h)).transpose(1, 2)  # [B, T, Q]

    @torch.no_grad()
    def generate_greedy(self, prime, length, conditioning=None):
        """The most likely class at every step, from the last receptive field of the classes so far
        (the naive method: the fast per-layer queues of generateAudio compute the same)."""
        classes = list(prime)
        for _ in range(length):
            window = torch.tensor([classes[-self.receptive_field:]])
            logits = self.forward(window, conditioning)[0, -1]
            classes.append(int(logits.argmax()))
        return classes[len(prime):]

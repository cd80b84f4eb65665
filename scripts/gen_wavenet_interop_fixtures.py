"""Writes state dicts of the PyTorch twin of buildWaveNet
(python/tfjs_generative/wavenet.py) with random weights, and what PyTorch
computes with them (logits of fixed classes, 50 greedy samples from a fixed
prime), for src/io/importWeights.wavenet.test.ts. Two tiny models: one with a
3-tap kernel and explicit dilations, one with global conditioning and
dilation cycles.

    /usr/bin/python3 scripts/gen_wavenet_interop_fixtures.py
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'python'))
from tfjs_generative.safetensors import write_safetensors  # noqa: E402
from tfjs_generative.wavenet import WaveNet  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'wavenet-interop')
MODELS = {
    'plain': {'residualChannels': 8, 'skipChannels': 16, 'kernelSize': 3, 'dilations': [1, 2, 4, 8], 'quantizationLevels': 32},
    'conditioned': {'residualChannels': 6, 'skipChannels': 12, 'kernelSize': 2, 'dilations': {'layersPerCycle': 3, 'cycles': 2},
                    'quantizationLevels': 24, 'conditioningDim': 3},
}
LENGTH = 50


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(2024)
    expected = {}
    for name, config in MODELS.items():
        model = WaveNet(config).eval()
        with torch.no_grad():
            for p in model.parameters():
                p.normal_(0, 0.3)  # larger than the default init, so the logits spread and greedy picks are clear
        q = config['quantizationLevels']
        classes = torch.randint(0, q, (2, 40))
        conditioning = torch.randn(2, 3) if 'conditioningDim' in config else None
        prime = [int(v) for v in torch.randint(0, q, (5,))]
        with torch.no_grad():
            logits = model(classes, conditioning)  # [2, 40, Q]
            first = None if conditioning is None else conditioning[:1]
            greedy = model.generate_greedy(prime, LENGTH, first)
            # The smallest gap between the best and second-best logit along the greedy path: far above 1e-4.
            path = torch.tensor([(prime + greedy)[-model.receptive_field - LENGTH:]])
            top = model(path, first)[0].topk(2, dim=-1).values
        print(name, 'smallest greedy margin', float((top[:, 0] - top[:, 1]).min()))
        write_safetensors(os.path.join(OUT, f'{name}.safetensors'), model.state_dict(), {'format': 'pt'})
        io = {'classes': classes.to(torch.int32), 'logits': logits}
        if conditioning is not None:
            io['conditioning'] = conditioning
        write_safetensors(os.path.join(OUT, f'{name}-io.safetensors'), io, {'format': 'pt'})
        expected[name] = {'config': config, 'keys': sorted(model.state_dict().keys()), 'prime': prime, 'greedy': greedy}
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(expected, f)
        f.write('\n')


if __name__ == '__main__':
    main()

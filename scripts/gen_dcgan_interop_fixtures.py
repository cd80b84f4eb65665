"""Writes pytorch/examples' DCGAN (dcgan/main.py: netG and netD) state dicts as
safetensors, and what PyTorch computes with them in eval mode (io.safetensors), for
src/io/importWeights.dcgan.test.ts. The networks are the canonical 64x64 pair
with small widths (ngf = ndf = 8, nz = 16) so the files stay small; their
running batch-norm statistics are random so that inference exercises them.

    /usr/bin/python3 scripts/gen_dcgan_interop_fixtures.py
"""
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'python'))
from tfjs_generative.safetensors import write_safetensors  # noqa: E402  (the one writer: python/tfjs_generative)

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'dcgan')
NZ, NGF, NDF, NC = 16, 8, 8, 3


def net_g():
    return nn.Sequential(
        nn.ConvTranspose2d(NZ, NGF * 8, 4, 1, 0, bias=False), nn.BatchNorm2d(NGF * 8), nn.ReLU(True),
        nn.ConvTranspose2d(NGF * 8, NGF * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(NGF * 4), nn.ReLU(True),
        nn.ConvTranspose2d(NGF * 4, NGF * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(NGF * 2), nn.ReLU(True),
        nn.ConvTranspose2d(NGF * 2, NGF, 4, 2, 1, bias=False), nn.BatchNorm2d(NGF), nn.ReLU(True),
        nn.ConvTranspose2d(NGF, NC, 4, 2, 1, bias=False), nn.Tanh())


def net_d():
    return nn.Sequential(
        nn.Conv2d(NC, NDF, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(NDF, NDF * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(NDF * 2), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(NDF * 2, NDF * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(NDF * 4), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(NDF * 4, NDF * 8, 4, 2, 1, bias=False), nn.BatchNorm2d(NDF * 8), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(NDF * 8, 1, 4, 1, 0, bias=False), nn.Sigmoid())


class Wrap(nn.Module):
    """pytorch/examples wraps each Sequential as `self.main`, so its names are main.{i}.…"""

    def __init__(self, main):
        super().__init__()
        self.main = main

    def forward(self, x):
        return self.main(x)


def randomize(model):
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                m.weight.normal_(0, 0.05)
            if isinstance(m, nn.BatchNorm2d):
                m.weight.normal_(1, 0.1)
                m.bias.normal_(0, 0.1)
                m.running_mean.normal_(0, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.num_batches_tracked.fill_(7)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(7)
    g, d = Wrap(net_g()), Wrap(net_d())
    randomize(g)
    randomize(d)
    g.eval()
    d.eval()
    z = torch.randn(2, NZ)
    image = torch.tanh(torch.randn(2, NC, 64, 64))
    with torch.no_grad():
        fake = g(z.view(2, NZ, 1, 1))            # [B, C, 64, 64]
        prob = d(image).view(-1)                 # [B]
    write_safetensors(os.path.join(OUT, 'netG.safetensors'), g.state_dict(), {'format': 'pt'})
    write_safetensors(os.path.join(OUT, 'netD.safetensors'), d.state_dict(), {'format': 'pt'})
    # Inputs and PyTorch's outputs; images NHWC, as tfjs holds them.
    write_safetensors(os.path.join(OUT, 'io.safetensors'), {
        'z': z, 'image': image.permute(0, 2, 3, 1).contiguous(), 'fake': fake.permute(0, 2, 3, 1).contiguous(), 'prob': prob}, {'format': 'pt'})
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump({
            'config': {'imageSize': 64, 'channels': NC, 'latentDim': NZ, 'generatorFilters': NGF, 'discriminatorFilters': NDF},
            'generatorKeys': sorted(g.state_dict().keys()),
            'discriminatorKeys': sorted(d.state_dict().keys()),
        }, f)
        f.write('\n')


if __name__ == '__main__':
    main()

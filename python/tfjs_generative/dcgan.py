"""The PyTorch twins of buildDCGAN's generator and discriminator
(src/gan/buildDCGAN.ts): pytorch/examples' DCGAN `netG` / `netD` (Radford et
al. 2015, https://arxiv.org/abs/1511.06434) generalised to buildDCGAN's sizes,
with the names of the 'dcgan' layout of importWeights / exportWeights
(src/gan/dcganLayout.ts): `main.{i}.weight`, batch norms' `running_mean` /
`running_var` / `num_batches_tracked`.

PyTorch conventions: the generator maps z [B, Z] to images [B, C, S, S] (NCHW;
the model here gives NHWC), the discriminator images [B, C, S, S] to logits
[B] (netD's final Sigmoid is left out, as the discriminator here returns its
logit; it holds no weights, so the names are netD's). Config fields
(buildDCGAN's names): imageSize (64; a power of two >= 8, or 28), channels (3),
latentDim (100), generatorFilters (64), discriminatorFilters (64), and
discriminatorNormalization 'batch'; numClasses and auxiliaryClassifier are
refused (netG / netD are unconditional). `seed` is accepted and ignored.
"""
import math

import torch.nn as nn

from ._config import check_keys, refuse

KEYS = ('imageSize', 'channels', 'latentDim', 'generatorFilters', 'discriminatorFilters', 'discriminatorNormalization', 'seed')


def _sizes(name, config):
    check_keys(name, config, KEYS)
    refuse(name, config, 'discriminatorNormalization', ('batch',))
    size = config.get('imageSize', 64)
    start = 7 if size == 28 else 4
    ups = int(math.log2(size // start))
    if start * 2 ** ups != size or ups < 1:
        raise ValueError(f'{name}: `imageSize` {size} is not a power of two >= 8 or 28')
    return size, start, ups, config.get('channels', 3), config.get('latentDim', 100)


class Generator(nn.Module):
    def __init__(self, config):
        super().__init__()
        _, start, ups, channels, z = _sizes('Generator', config)
        ngf = config.get('generatorFilters', 64)
        filters = ngf * 2 ** (ups - 1)
        layers = [nn.ConvTranspose2d(z, filters, start, 1, 0, bias=False), nn.BatchNorm2d(filters), nn.ReLU(True)]
        for _ in range(1, ups):
            layers += [nn.ConvTranspose2d(filters, filters // 2, 4, 2, 1, bias=False), nn.BatchNorm2d(filters // 2), nn.ReLU(True)]
            filters //= 2
        layers += [nn.ConvTranspose2d(filters, channels, 4, 2, 1, bias=False), nn.Tanh()]
        self.latent_dim = z
        self.main = nn.Sequential(*layers)

    def forward(self, z):
        return self.main(z.view(z.shape[0], -1, 1, 1))  # [B, C, S, S]


class Discriminator(nn.Module):
    def __init__(self, config):
        super().__init__()
        _, start, downs, channels, _ = _sizes('Discriminator', config)
        ndf = config.get('discriminatorFilters', 64)
        layers = [nn.Conv2d(channels, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True)]
        filters = ndf
        for _ in range(1, downs):
            layers += [nn.Conv2d(filters, filters * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(filters * 2), nn.LeakyReLU(0.2, inplace=True)]
            filters *= 2
        layers += [nn.Conv2d(filters, 1, start, 1, 0, bias=False)]
        self.main = nn.Sequential(*layers)

    def forward(self, image):
        return self.main(image).view(-1)  # [B] logits


class DCGAN(nn.Module):
    """Both networks in one module (a checkpoint of the pair: `generator.main.…`, `discriminator.main.…`)."""

    def __init__(self, config):
        super().__init__()
        self.generator = Generator(config)
        self.discriminator = Discriminator(config)

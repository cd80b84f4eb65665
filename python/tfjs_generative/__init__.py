"""PyTorch twins of tfjs-generative's builders, with the parameter names that the
library's exportWeights writes (so `load_state_dict(strict=True)` accepts an
export), and a pure-Python safetensors reader and writer. See python/README.md."""
from .safetensors import read_safetensors, write_safetensors


def build(family, config):
    """The twin of `family` ('dcgan' (the generator/discriminator pair), 'lm', 'wavenet' or 'vae') for a builder config."""
    if family == 'dcgan':
        from .dcgan import DCGAN
        return DCGAN(config)
    if family == 'lm':
        from .lm import TransformerLM
        return TransformerLM(config)
    if family == 'wavenet':
        from .wavenet import WaveNet
        return WaveNet(config)
    if family == 'vae':
        from .vae import VAE
        return VAE(config)
    raise ValueError(f"build: unknown family {family!r}: expected 'dcgan', 'lm', 'wavenet' or 'vae'")


__all__ = ['build', 'read_safetensors', 'write_safetensors']

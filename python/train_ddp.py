"""Trains a PyTorch twin of a tfjs-generative builder with DistributedDataParallel
and writes a safetensors checkpoint that the library's importWeights reads.

    torchrun --nproc_per_node=2 python/train_ddp.py --family dcgan --config cfg.json --steps 100 --out model.safetensors

--family dcgan | lm | wavenet | vae; --config a JSON file with the builder's
config (buildDCGAN / buildTransformerLM / buildWaveNet / buildVAE field names;
see python/README.md for the fields each twin supports). gloo on CPUs, NCCL
when CUDA is there (one GPU per process). The same --seed gives the same
checkpoint: every rank seeds its initial weights from it (DDP also broadcasts
rank 0's), and rank r draws its batches from a generator seeded with seed and r.

Data: --data a safetensors file with a tensor `x` (dcgan: images [N, S, S, C]
channels-last in [-1, 1]; lm: token ids [N, L]; wavenet: classes [N, L]
(and `conditioning` [N, G] with conditioningDim); vae: examples
[N, ...inputShape] in [0, 1]); without it, a small synthetic set made from the
seed (for trying the pipeline). Each rank samples its own rows.

The checkpoint (rank 0, written to a temporary file and renamed, so a reader
never sees half of it) holds the twin's state_dict under the names of the
library's layout ('dcgan' for both networks under `generator.` and
`discriminator.`, 'nanogpt' for lm, 'wavenet', 'vae'), with metadata
`format`: 'pt', `family`, `layout`, `config` (the JSON config), `steps`, `seed`,
`worldSize`, `runningVar` ('unbiased', PyTorch's, or 'biased' with
--tfjs-batchnorm, tfjs-layers').
"""
import argparse
import json
import math
import os
import sys

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tfjs_generative import build, read_safetensors, write_safetensors  # noqa: E402
from tfjs_generative.batchnorm import match_tfjs_batchnorm  # noqa: E402

LAYOUTS = {'dcgan': 'dcgan', 'lm': 'nanogpt', 'wavenet': 'wavenet', 'vae': 'vae'}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--family', required=True, choices=sorted(LAYOUTS))
    p.add_argument('--config', required=True, help='JSON file with the builder config')
    p.add_argument('--steps', type=int, required=True)
    p.add_argument('--out', required=True, help='the safetensors checkpoint to write')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--batch-size', type=int, default=4, help='examples per rank and step')
    p.add_argument('--lr', type=float, default=None, help='learning rate (default: 2e-4 for dcgan, 1e-3 otherwise)')
    p.add_argument('--window', type=int, default=None, help='lm / wavenet: time steps per example (default: contextLength, or receptive field + 16)')
    p.add_argument('--data', default=None, help='a safetensors file with `x` (see above); synthetic data without it')
    p.add_argument('--tfjs-batchnorm', action='store_true',
                   help='dcgan: update batch norms\' running_var with the biased batch variance, as tfjs-layers does (default: PyTorch\'s unbiased one)')
    return p.parse_args(argv)


def synthetic(family, model, config, n, window, gen):
    """A small deterministic data set of the family's kind."""
    if family == 'dcgan':
        s, c = config.get('imageSize', 64), config.get('channels', 3)
        u = torch.linspace(-1, 1, s)
        freq = torch.rand(n, c, 2, generator=gen) * 3 + 1
        phase = torch.rand(n, c, 1, 1, generator=gen) * 6.28
        img = torch.sin(freq[..., 0, None, None] * u[:, None] * 3 + freq[..., 1, None, None] * u[None, :] * 3 + phase)
        return {'x': img.permute(0, 2, 3, 1).contiguous()}  # [N, S, S, C]
    if family == 'lm':
        v = config['vocabSize']
        start = torch.randint(0, v, (n, 1), generator=gen)
        step = torch.randint(1, 4, (n, 1), generator=gen)
        return {'x': (start + step * torch.arange(window + 1)) % v}  # counting sequences [N, L]
    if family == 'wavenet':
        q = model.quantization_levels
        t = torch.arange(window + 1)
        freq = torch.rand(n, 1, generator=gen) * 0.3 + 0.05
        wave = torch.sin(freq * t)
        mu = q - 1
        f = torch.sign(wave) * torch.log1p(mu * wave.abs()) / math.log1p(mu)
        data = {'x': torch.floor((f + 1) / 2 * mu + 0.5).long()}  # mu-law classes [N, L]
        if config.get('conditioningDim'):
            data['conditioning'] = torch.randn(n, config['conditioningDim'], generator=gen)
        return data
    shape = config['inputShape']
    return {'x': (torch.rand(n, *shape, generator=gen) < 0.3).float()}  # binary examples


def main(argv=None):
    args = parse_args(argv)
    with open(args.config) as f:
        config = json.load(f)
    distributed = 'RANK' in os.environ
    cuda = torch.cuda.is_available()
    if distributed:
        dist.init_process_group('nccl' if cuda else 'gloo')
        rank, world = dist.get_rank(), dist.get_world_size()
    else:
        rank, world = 0, 1
    local = int(os.environ.get('LOCAL_RANK', 0))
    device = torch.device(f'cuda:{local}') if cuda else torch.device('cpu')
    if cuda:
        torch.cuda.set_device(device)
    torch.use_deterministic_algorithms(True, warn_only=True)

    torch.manual_seed(args.seed)
    model = build(args.family, config).to(device)
    if args.tfjs_batchnorm:
        match_tfjs_batchnorm(model)
    if args.family == 'dcgan':
        # DCGAN's initialisation (Radford et al.): N(0, 0.02) kernels, N(1, 0.02) batch-norm scales.
        with torch.no_grad():
            for name, p in model.named_parameters():
                if p.dim() > 1:
                    p.normal_(0, 0.02)
                elif name.endswith('weight'):
                    p.normal_(1, 0.02)
    gen = torch.Generator().manual_seed(args.seed * 1009 + 1 + rank)
    window = args.window
    if window is None and args.family == 'lm':
        window = config['contextLength']
    if window is None and args.family == 'wavenet':
        window = model.receptive_field + 16
    if args.data is None:
        data = synthetic(args.family, model, config, 64, window, torch.Generator().manual_seed(args.seed))
    else:
        data = read_safetensors(args.data)[0]
    rows = data['x'].shape[0]

    def batch():
        idx = torch.randint(0, rows, (args.batch_size,), generator=gen)
        out = {k: v[idx] for k, v in data.items()}
        if args.family in ('lm', 'wavenet') and out['x'].shape[1] > window + 1:
            start = int(torch.randint(0, out['x'].shape[1] - window, (1,), generator=gen))
            out['x'] = out['x'][:, start:start + window + 1]
        return {k: v.to(device) for k, v in out.items()}

    # WaveNet's last block computes a residual output nothing reads (as in the model here): its weights get no gradient.
    unused = args.family == 'wavenet'
    wrap = (lambda m: DDP(m, device_ids=[local] if cuda else None, find_unused_parameters=unused)) if distributed else (lambda m: m)
    lr = args.lr if args.lr is not None else (2e-4 if args.family == 'dcgan' else 1e-3)
    model.train()
    if args.family == 'dcgan':
        g, d = wrap(model.generator), wrap(model.discriminator)
        opt_g = torch.optim.Adam(model.generator.parameters(), lr=lr, betas=(0.5, 0.999))
        opt_d = torch.optim.Adam(model.discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
        z_dim = model.generator.latent_dim
        for _ in range(args.steps):
            real = batch()['x'].permute(0, 3, 1, 2)  # NHWC -> NCHW
            z = torch.randn(args.batch_size, z_dim, generator=gen).to(device)
            # The discriminator on real, then fake images (pytorch/examples' order; two batches, as its batch norms see them).
            opt_d.zero_grad()
            ones, zeros = torch.ones(args.batch_size, device=device), torch.zeros(args.batch_size, device=device)
            F.binary_cross_entropy_with_logits(d(real), ones).backward()
            fake = g(z)
            F.binary_cross_entropy_with_logits(d(fake.detach()), zeros).backward()
            opt_d.step()
            opt_g.zero_grad()
            F.binary_cross_entropy_with_logits(d(fake), ones).backward()
            opt_g.step()
    else:
        net = wrap(model)
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        for _ in range(args.steps):
            b = batch()
            opt.zero_grad()
            if args.family == 'vae':
                loss = vae_loss(net, model, b['x'], gen, device)
            else:
                x = b['x']
                logits = net(x[:, :-1], b['conditioning']) if 'conditioning' in b else net(x[:, :-1])
                loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), x[:, 1:].reshape(-1))
            loss.backward()
            opt.step()

    if rank == 0:
        state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
        metadata = {'format': 'pt', 'family': args.family, 'layout': LAYOUTS[args.family], 'config': json.dumps(config),
                    'steps': str(args.steps), 'seed': str(args.seed), 'worldSize': str(world),
                    'runningVar': 'biased' if args.tfjs_batchnorm else 'unbiased'}
        write_safetensors(args.out, state, metadata)
    if distributed:
        dist.barrier()
        dist.destroy_process_group()


def vae_loss(net, model, x, gen, device):
    """The negative ELBO per example, averaged over the batch: the Bernoulli likelihood from logits (summed
    over features) plus beta times the analytic KL to N(0, I); one forward through the DDP wrapper, so DDP
    sees every parameter used. The reparameterisation noise comes from this rank's stream."""
    eps = torch.randn(x.shape[0], model.fc21.out_features, generator=gen).to(device)
    logits, mean, log_var = net(x, eps)
    recon = F.binary_cross_entropy_with_logits(logits, x, reduction='none').reshape(x.shape[0], -1).sum(1)
    kl = 0.5 * (torch.exp(log_var) + mean ** 2 - 1 - log_var).sum(1)
    return (recon + model.beta * kl).mean()


if __name__ == '__main__':
    main()

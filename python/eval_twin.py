"""Loads checkpoints into the PyTorch twins with load_state_dict(strict=True) and
writes what they compute in eval mode on given inputs, for the round-trip test
(test/interop.roundtrip.test.ts) and for checking an export by hand.

    /usr/bin/python3 python/eval_twin.py jobs.json

jobs.json: a list of {"family", "weights", "inputs", "out"} (paths; optional
"config", else the checkpoint's `config` metadata). One process serves every
job, so torch is imported once. Inputs and outputs by family (tfjs' layouts:
images channels-last):
- dcgan: z [B, Z], image [B, S, S, C] -> fake [B, S, S, C], logits [B]
- lm: ids [B, T] -> logits [B, T, V]
- wavenet: classes [B, T] (conditioning [B, G]) -> logits [B, T, Q]
- vae: x [B, ...inputShape], z [B, Z] -> mean, logVar [B, Z], logits [B, ...inputShape] (decoder of z)
A job {"family": "batchnorm", "inputs", "out"} instead takes one training step of a
fresh BatchNorm2d (momentum 0.1, eps 1e-5) on x [B, H, W, C] and writes its
running_var, PyTorch's ("unbiased") and with match_tfjs_batchnorm ("biased").
"""
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tfjs_generative import build, read_safetensors, write_safetensors  # noqa: E402
from tfjs_generative.batchnorm import match_tfjs_batchnorm  # noqa: E402


@torch.no_grad()
def batchnorm_step(job):
    x = read_safetensors(job['inputs'])[0]['x'].permute(0, 3, 1, 2)  # NHWC -> NCHW
    out = {}
    for name, tfjs in (('unbiased', False), ('biased', True)):
        bn = nn.BatchNorm2d(x.shape[1], momentum=0.1, eps=1e-5).train()
        if tfjs:
            match_tfjs_batchnorm(bn)
        bn(x)
        out[name] = bn.running_var.clone()
    write_safetensors(job['out'], out, {'format': 'pt'})


@torch.no_grad()
def evaluate(job):
    if job['family'] == 'batchnorm':
        return batchnorm_step(job)
    state, metadata = read_safetensors(job['weights'])
    config = job.get('config') or json.loads(metadata['config'])
    model = build(job['family'], config)
    model.load_state_dict(state, strict=True)
    model.eval()
    x, _ = read_safetensors(job['inputs'])
    family = job['family']
    if family == 'dcgan':
        fake = model.generator(x['z']).permute(0, 2, 3, 1)  # NCHW -> NHWC
        logits = model.discriminator(x['image'].permute(0, 3, 1, 2))
        out = {'fake': fake, 'logits': logits}
    elif family == 'lm':
        out = {'logits': model(x['ids'])}
    elif family == 'wavenet':
        out = {'logits': model(x['classes'], x.get('conditioning'))}
    else:
        mean, log_var = model.encode(x['x'])
        out = {'mean': mean, 'logVar': log_var, 'logits': model.decode(x['z'])}
    write_safetensors(job['out'], {k: v.float().contiguous() for k, v in out.items()}, {'format': 'pt'})


def main():
    torch.set_num_threads(1)
    with open(sys.argv[1]) as f:
        for job in json.load(f):
            evaluate(job)


if __name__ == '__main__':
    main()

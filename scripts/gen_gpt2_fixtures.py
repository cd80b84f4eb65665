"""Writes tiny GPT-2 and nanoGPT checkpoints in Hugging Face's exact safetensors layout, and
what PyTorch computes with them, for src/attention/gpt2.test.ts.

The model is GPT2LMHeadModel's mathematics written out in PyTorch (transformers is
not packaged for this machine): learned token and position embeddings, pre-norm
blocks (LayerNorm eps 1e-5, Conv1D weights stored [in, out], fused c_attn, causal
softmax attention scaled by 1/sqrt(head size), tanh-approximate GELU), a final
LayerNorm, and the output tied to the token embedding. Weights are random.
nanoGPT's GPT is the same model with exact (erf) GELU, its projections stored as
nn.Linear does ([out, in]) and its state_dict under `transformer.` with
`lm_head.weight`; the file is saved as a torch.compile'd model's (`_orig_mod.`).

    /usr/bin/python3 scripts/gen_gpt2_fixtures.py
"""
import json
import re
import math
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'python'))
from tfjs_generative.safetensors import write_safetensors  # noqa: E402  (the one writer: python/tfjs_generative)

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'gpt2')
VOCAB, POSITIONS, WIDTH, HEADS, LAYERS = 96, 32, 48, 3, 2


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def layer_norm(x, w, b):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), w, b, 1e-5)


def forward(p, ids, prefix='', gelu=gelu_new):
    g = lambda name: p[prefix + name]
    t = ids.shape[1]
    x = g('wte.weight')[ids] + g('wpe.weight')[torch.arange(t)]
    mask = torch.tril(torch.ones(t, t, dtype=torch.bool))
    d = WIDTH // HEADS
    for i in range(LAYERS):
        h = layer_norm(x, g(f'h.{i}.ln_1.weight'), g(f'h.{i}.ln_1.bias'))
        qkv = h @ g(f'h.{i}.attn.c_attn.weight') + g(f'h.{i}.attn.c_attn.bias')
        q, k, v = qkv.split(WIDTH, dim=-1)
        q, k, v = [z.view(1, t, HEADS, d).transpose(1, 2) for z in (q, k, v)]
        att = (q @ k.transpose(-1, -2)) / math.sqrt(d)
        att = att.masked_fill(~mask, float('-inf')).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(1, t, WIDTH)
        x = x + y @ g(f'h.{i}.attn.c_proj.weight') + g(f'h.{i}.attn.c_proj.bias')
        h = layer_norm(x, g(f'h.{i}.ln_2.weight'), g(f'h.{i}.ln_2.bias'))
        m = gelu(h @ g(f'h.{i}.mlp.c_fc.weight') + g(f'h.{i}.mlp.c_fc.bias'))
        x = x + m @ g(f'h.{i}.mlp.c_proj.weight') + g(f'h.{i}.mlp.c_proj.bias')
    x = layer_norm(x, g('ln_f.weight'), g('ln_f.bias'))
    return x @ g('wte.weight').T


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(1234)
    r = lambda *s, std=0.2: torch.randn(*s) * std
    p = {'wte.weight': r(VOCAB, WIDTH), 'wpe.weight': r(POSITIONS, WIDTH, std=0.05),
         'ln_f.weight': 1 + r(WIDTH, std=0.1), 'ln_f.bias': r(WIDTH, std=0.1)}
    for i in range(LAYERS):
        p.update({
            f'h.{i}.ln_1.weight': 1 + r(WIDTH, std=0.1), f'h.{i}.ln_1.bias': r(WIDTH, std=0.1),
            f'h.{i}.attn.c_attn.weight': r(WIDTH, 3 * WIDTH), f'h.{i}.attn.c_attn.bias': r(3 * WIDTH, std=0.05),
            f'h.{i}.attn.c_proj.weight': r(WIDTH, WIDTH), f'h.{i}.attn.c_proj.bias': r(WIDTH, std=0.05),
            f'h.{i}.ln_2.weight': 1 + r(WIDTH, std=0.1), f'h.{i}.ln_2.bias': r(WIDTH, std=0.1),
            f'h.{i}.mlp.c_fc.weight': r(WIDTH, 4 * WIDTH), f'h.{i}.mlp.c_fc.bias': r(4 * WIDTH, std=0.05),
            f'h.{i}.mlp.c_proj.weight': r(4 * WIDTH, WIDTH), f'h.{i}.mlp.c_proj.bias': r(WIDTH, std=0.05),
        })
    # The original checkpoints also carry the causal-mask buffers, which a loader ignores.
    original = dict(p)
    for i in range(LAYERS):
        original[f'h.{i}.attn.bias'] = torch.tril(torch.ones(1, 1, POSITIONS, POSITIONS)).to(torch.float32)
        original[f'h.{i}.attn.masked_bias'] = torch.tensor(-1e4)
    write_safetensors(os.path.join(OUT, 'gpt2-tiny.safetensors'), original, {'format': 'pt'})
    # Newer saves: everything under `transformer.`, with the tied head written out.
    newer = {f'transformer.{k}': v for k, v in p.items()}
    newer['lm_head.weight'] = p['wte.weight']
    write_safetensors(os.path.join(OUT, 'gpt2-tiny-transformer.safetensors'), newer, {'format': 'pt'})

    prompt = [5, 17, 42, 3, 88, 61, 0, 12]
    with torch.no_grad():
        logits = forward(p, torch.tensor([prompt]))[0]
        ids = list(prompt)
        for _ in range(20):
            ids.append(int(forward(p, torch.tensor([ids[-POSITIONS:]]))[0, -1].argmax()))
    # nanoGPT: the same weights, Linear layout, exact GELU, a compiled model's state_dict.
    linear = lambda k: k.split('.', 2)[2] in ('attn.c_attn.weight', 'attn.c_proj.weight', 'mlp.c_fc.weight', 'mlp.c_proj.weight')
    nano = {f'_orig_mod.transformer.{k}': (v.T.contiguous() if k.startswith('h.') and linear(k) else v) for k, v in p.items()}
    nano['_orig_mod.lm_head.weight'] = p['wte.weight']
    for i in range(LAYERS):
        nano[f'_orig_mod.transformer.h.{i}.attn.bias'] = torch.tril(torch.ones(1, 1, POSITIONS, POSITIONS)).to(torch.float32)
    write_safetensors(os.path.join(OUT, 'nanogpt-tiny.safetensors'), nano, {'format': 'pt'})
    with torch.no_grad():
        nano_logits = forward(p, torch.tensor([prompt]), gelu=torch.nn.functional.gelu)[0]
    # What load_state_dict(strict=True) expects from a nanoGPT GPT built with flash attention (no mask buffer).
    nano_keys = sorted(k[len('_orig_mod.'):] for k in nano if not re.search(r'\.h\.\d+\.attn\.bias$', k))

    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump({'config': {'vocabSize': VOCAB, 'contextLength': POSITIONS, 'modelDim': WIDTH, 'numHeads': HEADS, 'numLayers': LAYERS},
                   'prompt': prompt, 'logits': [[round(v, 7) for v in row] for row in logits.tolist()], 'greedy': ids[len(prompt):],
                   'nanogptLogits': [[round(v, 7) for v in row] for row in nano_logits.tolist()], 'nanogptKeys': nano_keys}, f)
        f.write('\n')


if __name__ == '__main__':
    main()

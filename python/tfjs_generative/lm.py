"""The PyTorch twin of buildTransformerLM (src/attention/buildTransformerLM.ts):
nanoGPT's GPT (github.com/karpathy/nanoGPT) with the names of the 'nanogpt'
layout of importWeights / exportWeights (src/attention/gpt2Layout.ts):
`transformer.wte`, `transformer.wpe`, `transformer.h.{i}.{ln_1, attn.c_attn,
attn.c_proj, ln_2, mlp.c_fc, mlp.c_proj}`, `transformer.ln_f`, and `lm_head`
tied to `wte`.

Token ids [B, T] -> logits [B, T, V]. Config fields (buildTransformerLM's
names): vocabSize, contextLength, modelDim, numHeads, numLayers, mlpRatio (4),
dropout (0), and, as the layout requires, tieEmbeddings true and activation
'gelu' (exact, erf). `seed` is accepted and ignored.

Legend: B batch, T time, V vocabulary, C width, H heads, D head size, F MLP width.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from ._config import check_keys, refuse

KEYS = ('vocabSize', 'contextLength', 'modelDim', 'numHeads', 'numLayers', 'mlpRatio', 'dropout', 'tieEmbeddings', 'activation', 'seed')


class CausalSelfAttention(nn.Module):
    def __init__(self, c, heads, dropout):
        super().__init__()
        self.heads = heads
        self.c_attn = nn.Linear(c, 3 * c)
        self.c_proj = nn.Linear(c, c)
        self.attn_dropout = nn.Dropout(dropout)
        self.resid_dropout = nn.Dropout(dropout)

    def forward(self, x):
        b, t, c = x.shape
        d = c // self.heads
        q, k, v = self.c_attn(x).split(c, dim=2)
        q, k, v = [z.view(b, t, self.heads, d).transpose(1, 2) for z in (q, k, v)]  # [B, H, T, D]
        att = (q @ k.transpose(-2, -1)) / math.sqrt(d)  # [B, H, T, T]
        mask = torch.ones(t, t, dtype=torch.bool, device=x.device).tril()
        att = self.attn_dropout(att.masked_fill(~mask, float('-inf')).softmax(-1))
        y = (att @ v).transpose(1, 2).reshape(b, t, c)  # [B, T, C]
        return self.resid_dropout(self.c_proj(y))


class MLP(nn.Module):
    def __init__(self, c, f, dropout):
        super().__init__()
        self.c_fc = nn.Linear(c, f)
        self.c_proj = nn.Linear(f, c)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        return self.dropout(self.c_proj(F.gelu(self.c_fc(x))))


class Block(nn.Module):
    def __init__(self, c, heads, f, dropout):
        super().__init__()
        self.ln_1 = nn.LayerNorm(c, eps=1e-5)
        self.attn = CausalSelfAttention(c, heads, dropout)
        self.ln_2 = nn.LayerNorm(c, eps=1e-5)
        self.mlp = MLP(c, f, dropout)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class TransformerLM(nn.Module):
    def __init__(self, config):
        super().__init__()
        check_keys('TransformerLM', config, KEYS)
        refuse('TransformerLM', config, 'tieEmbeddings', (True,))
        refuse('TransformerLM', config, 'activation', ('gelu',))
        v, p, c = config['vocabSize'], config['contextLength'], config['modelDim']
        heads, layers = config['numHeads'], config['numLayers']
        if c % heads:
            raise ValueError(f'TransformerLM: `modelDim` {c} is not divisible by `numHeads` {heads}')
        f = max(1, math.floor(config.get('mlpRatio', 4) * c + 0.5))  # Math.round, as TransformerBlock rounds
        dropout = config.get('dropout', 0)
        self.context_length = p
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(v, c), wpe=nn.Embedding(p, c), drop=nn.Dropout(dropout),
            h=nn.ModuleList([Block(c, heads, f, dropout) for _ in range(layers)]), ln_f=nn.LayerNorm(c, eps=1e-5)))
        self.lm_head = nn.Linear(c, v, bias=False)
        self.lm_head.weight = self.transformer.wte.weight  # tied

    def forward(self, ids):
        t = ids.shape[1]
        x = self.transformer.wte(ids.long()) + self.transformer.wpe(torch.arange(t, device=ids.device))
        x = self.transformer.drop(x)
        for block in self.transformer.h:
            x = block(x)
        return self.lm_head(self.transformer.ln_f(x))  # [B, T, V]

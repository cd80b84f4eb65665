#!/usr/bin/env python3
"""Writes test/fixtures/attention.json: outputs, per-head attention weights and
input gradients of torch.nn.MultiheadAttention, and token cross-entropies of
torch.nn.functional.cross_entropy (label smoothing, padding mask): the
independent implementations src/attention and src/losses are checked against.

Run with Debian's torch: /usr/bin/python3 scripts/gen_attention_fixtures.py
(needs python3-torch; the tests only read the JSON, never torch).

Weights are given in the library's (Keras') layout: query/key kernels
[C, H, D], value kernel [C, H, E], output kernel [H, E, O], biases [H, D] / [O].
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(4321)
DT = torch.float64


def lst(t):
    return t.detach().double().reshape(-1).tolist()


def mha_case(name, b, t, s, c, ckv, h, causal, padding):
    d = c // h
    same = ckv == c
    mha = torch.nn.MultiheadAttention(c, h, batch_first=True, kdim=ckv, vdim=ckv, dtype=DT)
    with torch.no_grad():
        for p in mha.parameters():
            p.copy_(torch.randn_like(p) * 0.4)
    if same:
        wq, wk, wv = mha.in_proj_weight[:c], mha.in_proj_weight[c:2 * c], mha.in_proj_weight[2 * c:]
    else:
        wq, wk, wv = mha.q_proj_weight, mha.k_proj_weight, mha.v_proj_weight
    bq, bk, bv = mha.in_proj_bias[:c], mha.in_proj_bias[c:2 * c], mha.in_proj_bias[2 * c:]
    query = torch.randn(b, t, c, dtype=DT, requires_grad=True)
    if s is None:
        key = value = query
        s = t
    else:
        key = value = torch.randn(b, s, ckv, dtype=DT, requires_grad=True)
    attn_mask = torch.triu(torch.ones(t, s, dtype=torch.bool), 1) if causal else None
    kpm = None
    keep = None
    if padding:
        # Mask the last key of the second example: torch wants True = ignore.
        kpm = torch.zeros(b, s, dtype=torch.bool)
        kpm[1, -1] = True
        keep = (~kpm)[:, None, :].expand(b, t, s).double()
    out, w = mha(query, key, value, attn_mask=attn_mask, key_padding_mask=kpm, need_weights=True,
                 average_attn_weights=False)
    r = torch.randn_like(out)
    (out * r).sum().backward()
    case = {
        'name': name, 'B': b, 'T': t, 'S': s, 'C': c, 'Ckv': ckv, 'H': h, 'D': d, 'causal': causal,
        'query': lst(query), 'value': lst(value),
        'weights': {
            'queryKernel': lst(wq.T.reshape(c, h, d)), 'queryBias': lst(bq.reshape(h, d)),
            'keyKernel': lst(wk.T.reshape(ckv, h, d)), 'keyBias': lst(bk.reshape(h, d)),
            'valueKernel': lst(wv.T.reshape(ckv, h, d)), 'valueBias': lst(bv.reshape(h, d)),
            'outputKernel': lst(mha.out_proj.weight.T.reshape(h, d, c)), 'outputBias': lst(mha.out_proj.bias),
        },
        'output': lst(out), 'scores': lst(w), 'cotangent': lst(r), 'queryGrad': lst(query.grad),
    }
    if keep is not None:
        case['attentionMask'] = lst(keep)
    return case


def ce_case(name, b, t, v, smoothing, masked):
    logits = (torch.randn(b, t, v, dtype=DT) * 3).requires_grad_()
    labels = torch.randint(0, v, (b, t))
    mask = torch.ones(b, t, dtype=DT)
    if masked:
        mask[0, -2:] = 0
        mask[-1, 0] = 0
    per = F.cross_entropy(logits.reshape(-1, v), labels.reshape(-1), reduction='none', label_smoothing=smoothing)
    loss = (per * mask.reshape(-1)).sum() / mask.sum()
    loss.backward()
    return {'name': name, 'B': b, 'T': t, 'V': v, 'labelSmoothing': smoothing, 'logits': lst(logits),
            'labels': labels.reshape(-1).tolist(), 'mask': lst(mask) if masked else None,
            'loss': loss.item(), 'logitsGrad': lst(logits.grad)}


def block_case(name, b, t, c, h, ratio):
    """A pre-norm GPT block: x + MHA(LN1(x)) (causal), then h + W2 gelu(W1 LN2(h))."""
    d = c // h
    f = ratio * c
    ln1, ln2 = torch.nn.LayerNorm(c, eps=1e-5, dtype=DT), torch.nn.LayerNorm(c, eps=1e-5, dtype=DT)
    mha = torch.nn.MultiheadAttention(c, h, batch_first=True, dtype=DT)
    fc1, fc2 = torch.nn.Linear(c, f, dtype=DT), torch.nn.Linear(f, c, dtype=DT)
    with torch.no_grad():
        for mod in (ln1, ln2, mha, fc1, fc2):
            for p in mod.parameters():
                p.copy_(torch.randn_like(p) * 0.3 + (1.0 if p.dim() == 1 and mod in (ln1, ln2) and p is mod.weight else 0.0))
    x = torch.randn(b, t, c, dtype=DT, requires_grad=True)
    mask = torch.triu(torch.ones(t, t, dtype=torch.bool), 1)
    n1 = ln1(x)
    a, _ = mha(n1, n1, n1, attn_mask=mask, need_weights=False)
    hid = x + a
    y = hid + fc2(F.gelu(fc1(ln2(hid))))
    r = torch.randn_like(y)
    (y * r).sum().backward()
    wq, wk, wv = mha.in_proj_weight[:c], mha.in_proj_weight[c:2 * c], mha.in_proj_weight[2 * c:]
    bq, bk, bv = mha.in_proj_bias[:c], mha.in_proj_bias[c:2 * c], mha.in_proj_bias[2 * c:]
    weights = [ln1.weight, ln1.bias, wq.T.reshape(c, h, d), bq.reshape(h, d), wk.T.reshape(c, h, d), bk.reshape(h, d),
               wv.T.reshape(c, h, d), bv.reshape(h, d), mha.out_proj.weight.T.reshape(h, d, c), mha.out_proj.bias,
               ln2.weight, ln2.bias, fc1.weight.T, fc1.bias, fc2.weight.T, fc2.bias]
    return {'name': name, 'B': b, 'T': t, 'C': c, 'H': h, 'mlpRatio': ratio,
            'weights': [{'shape': list(w.shape), 'values': lst(w)} for w in weights],
            'x': lst(x), 'output': lst(y), 'cotangent': lst(r), 'xGrad': lst(x.grad)}


fixture = {
    'transformerBlock': [block_case('pre-norm causal, gelu', 2, 5, 8, 2, 4)],
    'multiHeadAttention': [
        mha_case('self', 2, 5, None, 8, 8, 2, False, False),
        mha_case('self causal', 2, 6, None, 12, 12, 3, True, False),
        mha_case('cross, S != T, other width, padding mask', 2, 3, 7, 8, 6, 2, False, True),
    ],
    'crossEntropy': [
        ce_case('plain', 2, 4, 7, 0.0, False),
        ce_case('label smoothing 0.1', 2, 4, 7, 0.1, False),
        ce_case('smoothing 0.2 and padding mask', 3, 5, 11, 0.2, True),
    ],
}
out = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'attention.json')
with open(out, 'w') as f:
    json.dump(fixture, f)
print('wrote', os.path.normpath(out))

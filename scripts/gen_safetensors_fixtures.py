"""Writes the safetensors fixtures of src/io/safetensors.test.ts.

The files are written by python/tfjs_generative/safetensors.py, from the format's
specification and independently of the library's writer. PyTorch makes the
float16 / bfloat16 bits and the expected float32 values.

    /usr/bin/python3 scripts/gen_safetensors_fixtures.py
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'python'))
from tfjs_generative.safetensors import write_safetensors  # noqa: E402  (the one writer: python/tfjs_generative)

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'safetensors')


def write(name, tensors, metadata=None):
    """tensors: list of (name, dtype code, torch tensor)."""
    write_safetensors(os.path.join(OUT, name), {n: (code, t) for n, code, t in tensors}, metadata)


def expected(t):
    """float32 values as JSON-safe numbers or strings ('nan', 'inf', '-inf', '-0')."""
    out = []
    for v in t.to(torch.float64).flatten().tolist():
        if math.isnan(v):
            out.append('nan')
        elif math.isinf(v):
            out.append('inf' if v > 0 else '-inf')
        elif v == 0 and math.copysign(1, v) < 0:
            out.append('-0')
        else:
            out.append(v)
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    special = torch.tensor([0.0, -0.0, 1.0, -2.5, float('inf'), float('-inf'), float('nan'), 1e-40, -3e-39,
                            3.4028234663852886e38, 1.1754943508222875e-38, 65504.0, 65520.0, 1e-8, 6e-8, 0.1])
    floats = torch.randn(3, 5)
    ints = torch.tensor([[0, 1, -1], [2147483647, -2147483648, 12345]], dtype=torch.int64)
    cases = {}

    # The library's own dtypes (F32, I32, BOOL): also the write-back layout check.
    plain = [
        ('a.weight', 'F32', floats),
        ('b.special', 'F32', special),
        ('c.scalar', 'F32', torch.tensor(3.25)),
        ('d.empty', 'F32', torch.zeros(0, 4)),
        ('e.ids', 'I32', ints.to(torch.int32)),
        ('f.mask', 'BOOL', torch.tensor([[True, False], [False, True]])),
    ]
    write('plain.safetensors', plain, {'format': 'pt', 'note': 'written by scripts/gen_safetensors_fixtures.py'})
    cases['plain.safetensors'] = {n: {'shape': list(t.shape), 'values': expected(t.to(torch.float32) if t.is_floating_point() else t)} for n, _, t in plain}

    half = [
        ('h.f16', 'F16', torch.cat([special, floats.flatten()]).to(torch.float16)),
        ('h.bf16', 'BF16', torch.cat([special, floats.flatten()]).to(torch.bfloat16)),
        ('h.f64', 'F64', torch.tensor([0.1, -1e300, 1e-300, 2.0 ** 100], dtype=torch.float64)),
    ]
    write('half.safetensors', half)
    cases['half.safetensors'] = {n: {'shape': list(t.shape), 'values': expected(t.to(torch.float32))} for n, _, t in half}

    ints_file = [
        ('i.i64', 'I64', ints),
        ('i.i16', 'I16', torch.tensor([-32768, 32767, 0], dtype=torch.int16)),
        ('i.i8', 'I8', torch.tensor([-128, 127, 5], dtype=torch.int8)),
        ('i.u8', 'U8', torch.tensor([0, 255, 7], dtype=torch.uint8)),
    ]
    write('ints.safetensors', ints_file)
    cases['ints.safetensors'] = {n: {'shape': list(t.shape), 'values': expected(t)} for n, _, t in ints_file}

    write('i64-out-of-range.safetensors', [('big', 'I64', torch.tensor([1, 2147483648], dtype=torch.int64))])

    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(cases, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()

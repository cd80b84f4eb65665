"""A safetensors writer from the format's specification
(https://huggingface.co/docs/safetensors), for the fixture scripts: written
here, independently of the library's writer, so that tests compare the two.

An 8-byte little-endian header length, a JSON header (compact, `__metadata__`
first when given) padded with spaces to a multiple of 8 bytes, then the data,
little-endian, tensors ordered by element size then name, as the reference
implementation orders them.
"""
import json
import struct

import torch

# dtype code -> (element size, numpy dtype of its little-endian bytes)
CODES = {'F64': (8, '<f8'), 'I64': (8, '<i8'), 'F32': (4, '<f4'), 'I32': (4, '<i4'), 'F16': (2, '<i2'),
         'BF16': (2, '<i2'), 'I16': (2, '<i2'), 'U16': (2, '<u2'), 'I8': (1, 'i1'), 'U8': (1, 'u1'), 'BOOL': (1, 'u1')}
FROM_TORCH = {torch.float64: 'F64', torch.int64: 'I64', torch.float32: 'F32', torch.int32: 'I32', torch.float16: 'F16',
              torch.bfloat16: 'BF16', torch.int16: 'I16', torch.int8: 'I8', torch.uint8: 'U8', torch.bool: 'BOOL'}


def raw_bytes(t, code):
    t = t.contiguous()
    if code in ('F16', 'BF16'):
        t = t.view(torch.int16)  # numpy has no bfloat16: write the bits
    return t.numpy().astype(CODES[code][1]).tobytes()


def write_safetensors(path, tensors, metadata=None):
    """tensors: name -> torch tensor, or name -> (dtype code, tensor) to store under another code (U16)."""
    items = []
    for name, value in tensors.items():
        code, t = value if isinstance(value, tuple) else (FROM_TORCH[value.dtype], value)
        items.append((name, code, t))
    items.sort(key=lambda x: (-CODES[x[1]][0], x[0]))
    header, blobs, offset = {}, [], 0
    if metadata is not None:
        header['__metadata__'] = metadata
    for name, code, t in items:
        b = raw_bytes(t, code)
        header[name] = {'dtype': code, 'shape': list(t.shape), 'data_offsets': [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * ((8 - len(text) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)

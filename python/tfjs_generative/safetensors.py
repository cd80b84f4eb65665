"""safetensors in pure Python (https://huggingface.co/docs/safetensors), from the
format's specification: the one reader and writer of this repository's Python
side (the twins, python/train_ddp.py, the fixture scripts under scripts/).
Written here, independently of the library's TypeScript reader and writer, so
that tests compare the two; Debian's python3-torch has no `safetensors` package.

An 8-byte little-endian header length, a JSON header (compact, `__metadata__`
first when given) padded with spaces to a multiple of 8 bytes, then the data,
little-endian, tensors ordered by element size then name, as the reference
implementation orders them.
"""
import json
import os
import struct

import numpy as np
import torch

# dtype code -> (element size, numpy dtype of its little-endian bytes)
CODES = {'F64': (8, '<f8'), 'I64': (8, '<i8'), 'F32': (4, '<f4'), 'I32': (4, '<i4'), 'F16': (2, '<i2'),
         'BF16': (2, '<i2'), 'I16': (2, '<i2'), 'U16': (2, '<u2'), 'I8': (1, 'i1'), 'U8': (1, 'u1'), 'BOOL': (1, 'u1')}
FROM_TORCH = {torch.float64: 'F64', torch.int64: 'I64', torch.float32: 'F32', torch.int32: 'I32', torch.float16: 'F16',
              torch.bfloat16: 'BF16', torch.int16: 'I16', torch.int8: 'I8', torch.uint8: 'U8', torch.bool: 'BOOL'}
# What a code reads back as: the torch dtype whose bits it holds (U16 widens to int32: torch 1.13 has no uint16).
TO_TORCH = {code: dtype for dtype, code in FROM_TORCH.items()}
MAX_HEADER_BYTES = 100_000_000


def raw_bytes(t, code):
    t = t.detach().cpu().contiguous()
    if code in ('F16', 'BF16'):
        t = t.view(torch.int16)  # numpy has no bfloat16: write the bits
    return t.numpy().astype(CODES[code][1]).tobytes()


def to_bytes(tensors, metadata=None):
    """The file's bytes. tensors: name -> torch tensor, or name -> (dtype code, tensor) to store under another code (U16).
    metadata: str -> str (safetensors allows nothing else)."""
    items = []
    for name, value in tensors.items():
        code, t = value if isinstance(value, tuple) else (FROM_TORCH[value.dtype], value)
        items.append((name, code, t))
    items.sort(key=lambda x: (-CODES[x[1]][0], x[0]))
    header, blobs, offset = {}, [], 0
    if metadata is not None:
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
            raise ValueError('write_safetensors: metadata values must be strings')
        header['__metadata__'] = metadata
    for name, code, t in items:
        b = raw_bytes(t, code)
        header[name] = {'dtype': code, 'shape': list(t.shape), 'data_offsets': [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * ((8 - len(text) % 8) % 8)
    return b''.join([struct.pack('<Q', len(text)), text, *blobs])


def write_safetensors(path, tensors, metadata=None):
    """Writes the file atomically: a temporary file in the same folder, flushed, then renamed over `path`,
    so a reader never sees half a checkpoint."""
    data = to_bytes(tensors, metadata)
    tmp = f'{path}.tmp-{os.getpid()}'
    try:
        with open(tmp, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def from_bytes(data):
    """(tensors: name -> torch tensor, metadata: dict) from a file's bytes, every offset checked first."""
    if len(data) < 8:
        raise ValueError(f'read_safetensors: {len(data)} bytes is shorter than the 8-byte header length')
    (n,) = struct.unpack('<Q', data[:8])
    if n > MAX_HEADER_BYTES or 8 + n > len(data):
        raise ValueError(f'read_safetensors: header length {n} does not fit the file of {len(data)} bytes')
    header = json.loads(data[8:8 + n].decode('utf-8'))
    metadata = header.pop('__metadata__', None) or {}
    body = memoryview(data)[8 + n:]
    spans = []
    for name, entry in header.items():
        code, shape, (start, end) = entry['dtype'], entry['shape'], entry['data_offsets']
        if code not in CODES:
            raise ValueError(f'read_safetensors: `{name}` has the unknown dtype {code}')
        count = 1
        for d in shape:
            count *= d
        if not 0 <= start <= end <= len(body) or end - start != count * CODES[code][0]:
            raise ValueError(f'read_safetensors: `{name}` ({code} {shape}) has offsets [{start}, {end}] that do not fit')
        spans.append((start, end, name))
    spans.sort()
    if sum(e - s for s, e, _ in spans) != len(body) or any(a[1] != b[0] for a, b in zip(spans, spans[1:])):
        raise ValueError('read_safetensors: the tensors overlap or leave gaps in the data')
    tensors = {}
    for name, entry in header.items():
        code, shape, (start, end) = entry['dtype'], entry['shape'], entry['data_offsets']
        array = np.frombuffer(body[start:end], dtype=CODES[code][1]).copy()
        t = torch.from_numpy(array.astype('<i4') if code == 'U16' else array)
        if code == 'F16':
            t = t.view(torch.float16)
        elif code == 'BF16':
            t = t.view(torch.bfloat16)
        elif code == 'BOOL':
            t = t.to(torch.bool)
        tensors[name] = t.reshape(shape)
    return tensors, metadata


def read_safetensors(path):
    """(tensors, metadata) of the file at `path`; see from_bytes."""
    with open(path, 'rb') as f:
        return from_bytes(f.read())

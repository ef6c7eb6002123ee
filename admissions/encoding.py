"""Answers encoded once and served many times: JSON bytes, gzip and an ETag.

An answer depends on the zone version, the zones found, the status and the language; only
the `location` and each zone's `distance_m` differ from one point to the next. A
`Template` is that answer encoded once with named slots for those values; filling it is a
join of byte strings. Its gzip form is kept as compressed pieces that end on a byte
boundary (a deflate "sync flush"), so a filled answer is compressed by putting the slot
values between them as stored (uncompressed) deflate blocks: no compression per request.

Everything here is plain bytes: the web layer adds the HTTP headers.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
import struct
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable

# A slot is a string value no answer can contain (a private-use character on both sides).
_MARK = "\ue000"
_SLOT = re.compile(rb'"\xee\x80\x80slot:([A-Za-z0-9_]+)\xee\x80\x80"')
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # no name, mtime 0
_LEVEL = 6


def slot(name: str) -> str:
    """The placeholder for a value filled in per request."""
    return f"{_MARK}slot:{name}{_MARK}"


# The form Flask's `jsonify` sends: sorted keys, compact, UTF-8 (one encoder, made once).
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def encode_json(value: object) -> bytes:
    """The bytes Flask's `jsonify` sends (with its final newline)."""
    return _ENCODER.encode(value).encode() + b"\n"


def encode_fragment(value: object) -> bytes:
    return _ENCODER.encode(value).encode()


def _digest(*parts: bytes) -> str:
    h = hashlib.blake2b(digest_size=10)
    for part in parts:
        h.update(part)
        h.update(b"\0")
    return h.hexdigest()


def _deflate(data: bytes, final: bool) -> bytes:
    compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FINISH if final
                                                        else zlib.Z_SYNC_FLUSH)


def _stored(data: bytes) -> bytes:
    """`data` as non-final stored deflate blocks (the stream is byte-aligned here)."""
    if len(data) <= 0xFFFF:  # a slot's value: one block
        return struct.pack("<BHH", 0, len(data), len(data) ^ 0xFFFF) + data
    out = []
    for start in range(0, len(data), 0xFFFF):
        chunk = data[start:start + 0xFFFF]
        out.append(struct.pack("<BHH", 0, len(chunk), len(chunk) ^ 0xFFFF) + chunk)
    return b"".join(out)


class EncodedAnswer:
    """One answer's bytes, its gzip form and its ETag. A filled template's bytes are joined
    when first asked for, in the form asked for (most clients take only gzip)."""

    __slots__ = ("etag", "_plain", "_gzip", "_template", "_values")

    def __init__(self, plain: bytes | None, etag: str, template: Template | None = None,
                 values: list[bytes] | None = None):
        self._plain = plain
        self.etag = etag
        self._gzip: bytes | None = None
        self._template = template
        self._values = values

    @classmethod
    def of(cls, value: object, version: str = "") -> EncodedAnswer:
        plain = encode_json(value)
        return cls(plain, _digest(version.encode(), plain))

    @property
    def plain(self) -> bytes:
        if self._plain is None:
            self._plain = self._template.join(self._values)
        return self._plain

    def gzipped(self) -> bytes:
        if self._gzip is None:
            self._gzip = (self._template.gzip(self._values) if self._template
                          else gzip.compress(self._plain, compresslevel=_LEVEL, mtime=0))
        return self._gzip


class Template:
    """An answer encoded once, with slots filled in per request."""

    def __init__(self, value: object, version: str):
        encoded = encode_json(value)
        parts = _SLOT.split(encoded)
        self.segments: list[bytes] = parts[0::2]
        self.slots: list[str] = [name.decode() for name in parts[1::2]]
        self.digest = _digest(version.encode(), *self.segments, *parts[1::2])
        last = len(self.segments) - 1
        self._deflated = [_deflate(s, final=i == last) for i, s in enumerate(self.segments)]
        # The gzip trailer's CRC runs over the whole answer; the part before the first slot
        # (a full answer's admissions section, most of its bytes) is the same every time.
        self._first_crc = zlib.crc32(self.segments[0])
        self._fixed_length = sum(map(len, self.segments))

    def fill(self, values: dict[str, bytes], volatile: frozenset[str] = frozenset()
             ) -> EncodedAnswer:
        """`values` are the slots' JSON fragments, by slot name; `volatile` slots (the time
        a response was made) are left out of the ETag."""
        ordered = [values[name] for name in self.slots]
        tagged = [v for name, v in zip(self.slots, ordered, strict=True) if name not in volatile]
        return EncodedAnswer(None, f"{self.digest}-{_digest(*tagged)}", self, ordered)

    def join(self, ordered: list[bytes]) -> bytes:
        pieces = [self.segments[0]]
        for value, segment in zip(ordered, self.segments[1:], strict=True):
            pieces.append(value)
            pieces.append(segment)
        return b"".join(pieces)

    def gzip(self, ordered: list[bytes]) -> bytes:
        pieces = [_GZIP_HEADER, self._deflated[0]]
        crc, length = self._first_crc, self._fixed_length
        for value, segment, deflated in zip(ordered, self.segments[1:], self._deflated[1:],
                                            strict=True):
            pieces.append(_stored(value))
            pieces.append(deflated)
            crc = zlib.crc32(segment, zlib.crc32(value, crc))
            length += len(value)
        pieces.append(struct.pack("<II", crc, length & 0xFFFFFFFF))
        return b"".join(pieces)


class EncodedCache:
    """A bounded least-recently-used map of encoded answers and templates (and of address
    matches). One belongs to each published snapshot, so a publish starts afresh."""

    def __init__(self, size: int = 512):
        self._size = size
        self._entries: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()

    def peek(self, key: tuple):
        """The entry if it is there, else None: nothing is built."""
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def get(self, key: tuple, build: Callable[[], object]):
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
                return value
        value = build()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._entries)

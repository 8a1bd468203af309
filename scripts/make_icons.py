#!/usr/bin/env python3
"""Draws the app icons (plain and maskable PNGs) without any imaging library: a teal square with a
white ring and dot, the IMP mark. Run once; the PNGs are committed under public/icons/."""
import struct
import zlib
from pathlib import Path

TEAL = (13, 110, 110)
WHITE = (255, 255, 255)


def png(size: int, safe: float) -> bytes:
    rows = []
    centre = (size - 1) / 2
    outer = size * safe * 0.5
    inner = outer * 0.72
    dot = outer * 0.30
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            distance = ((x - centre) ** 2 + (y - centre) ** 2) ** 0.5
            colour = WHITE if (inner <= distance <= outer or distance <= dot) else TEAL
            row.extend(colour)
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


out = Path(__file__).resolve().parent.parent / "public" / "icons"
out.mkdir(parents=True, exist_ok=True)
for size in (192, 512):
    (out / f"icon-{size}.png").write_bytes(png(size, 0.8))
    (out / f"maskable-{size}.png").write_bytes(png(size, 0.6))
print("icons written to", out)

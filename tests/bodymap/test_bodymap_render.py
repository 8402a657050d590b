import struct
import zlib

import numpy as np
import pytest

from mit_desktop.bodymap import render_map_image, render_map_png
from mit_desktop.bodymap.png import encode_png, write_png
from mit_desktop.bodymap.silhouette import body_mask


def decode_png(data: bytes) -> np.ndarray:
    """A small independent PNG reader (8-bit RGB/RGBA, all five filter types)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    out = np.zeros((height, stride), dtype=np.int32)
    prev = np.zeros(stride, dtype=np.int32)
    for r in range(height):
        kind = raw[r * (stride + 1)]
        line = np.frombuffer(raw, np.uint8, stride, r * (stride + 1) + 1).astype(np.int32)
        cur = np.zeros(stride, dtype=np.int32)
        for i in range(stride):
            a = cur[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            pred = [0, a, b, (a + b) // 2, None][kind]
            if kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            cur[i] = (line[i] + pred) & 0xFF
        out[r] = cur
        prev = cur
    return out.reshape(height, width, channels).astype(np.uint8)


def test_png_encoder_round_trips_pixels(tmp_path):
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (7, 5, 4), dtype=np.uint8)
    np.testing.assert_array_equal(decode_png(encode_png(pixels)), pixels)
    write_png(tmp_path / "x.png", pixels[..., :3])
    np.testing.assert_array_equal(decode_png((tmp_path / "x.png").read_bytes()), pixels[..., :3])


def test_rendered_map_shows_warm_and_cool_inside_the_body_and_a_scale_bar():
    signed = np.zeros((522, 171))
    signed[150:200, 60:110] = 1.0  # chest: activation
    signed[420:460, 55:75] = -0.5  # a leg: deactivation
    img = decode_png(render_map_png(signed, count=12, scale=2))
    assert img.shape[0] > 522 * 2 and img.shape[1] > 171 * 2 + 20
    y0 = img.shape[0] - 8 - 522 * 2  # map top
    chest = img[y0 + 2 * 175, 8 + 2 * 85]
    leg = img[y0 + 2 * 440, 8 + 2 * 65]
    assert chest[0] > 200 and chest[2] > 200  # full scale: white-hot
    assert leg[2] > 150 and leg[0] < 60  # half scale on the cold side: blue
    outside = img[y0 + 2 * 5, 8 + 2 * 5]
    assert outside.tolist() == [255, 255, 255]  # outside the body: background
    np.testing.assert_array_equal(img, render_map_image(signed, count=12, scale=2))
    # the colour bar goes from hot at the top to cold at the bottom
    bar = img[:, 8 + 171 * 2 + 12 + 5]
    coloured = np.nonzero(np.abs(bar.astype(int) - 255).sum(axis=1) > 30)[0]
    top, bottom = bar[coloured[1]], bar[coloured[-2]]
    assert top[0] > top[2] and bottom[2] > bottom[0]


def test_zero_map_renders_black_body_without_dividing_by_zero():
    img = render_map_image(np.zeros((522, 171)), scale=1)
    y0 = img.shape[0] - 8 - 522
    inside = img[y0:y0 + 522, 8:8 + 171][body_mask()]
    assert (inside.astype(int).sum(axis=1) < 120).mean() > 0.9


def test_render_rejects_bad_maps():
    with pytest.raises(ValueError):
        render_map_image(np.zeros((10, 10)))
    with pytest.raises(ValueError):
        render_map_image(np.full((522, 171), np.nan))

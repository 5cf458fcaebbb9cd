"""Photos as phones send them: camera-sized, noisy, rotated by EXIF, screenshots, HEIC from iPhones.

A flat single-colour test image compresses to a few hundred bytes and hides every problem a real
photo has: millions of random-looking bytes in which any short byte pattern occurs by chance,
an orientation tag the pixels depend on, a container format other than JPEG. These make the shapes.
"""

import io
import random

import pillow_heif
from PIL import Image

CAMERA = (4032, 3024)  # 12 megapixels, the usual phone camera
SCREEN = (1170, 2532)  # an iPhone screenshot

pillow_heif.register_heif_opener()


def noisy_image(size: tuple[int, int], seed: int = 0) -> Image.Image:
    """A picture with a gradient under per-pixel noise: compresses like a photo, not like a flat colour."""
    rng = random.Random(seed)
    width, height = size
    noise = Image.frombytes("RGB", size, rng.randbytes(width * height * 3))
    gradient = Image.linear_gradient("L").resize(size).convert("RGB")
    return Image.blend(gradient, noise, 0.35)


def camera_jpeg(
    size: tuple[int, int] = CAMERA, orientation: int = 6, seed: int = 0, quality: int = 92
) -> bytes:
    """A phone camera JPEG: stored sideways with EXIF Orientation (6 = turn 90° clockwise to view)."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Model 12"
    out = io.BytesIO()
    noisy_image(size, seed).save(out, "JPEG", quality=quality, exif=exif)
    return out.getvalue()


def screenshot_png(size: tuple[int, int] = SCREEN, seed: int = 1) -> bytes:
    """A phone screenshot: PNG, mostly flat bars with a noisy photo area, no alpha."""
    image = Image.new("RGB", size, (245, 245, 245))
    photo = noisy_image((size[0], size[1] // 3), seed)
    image.paste(photo, (0, size[1] // 4))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def iphone_heic(size: tuple[int, int] = (640, 480), seed: int = 2) -> bytes:
    """An iPhone photo in HEIC (HEIF with HEVC pixels); small by default, since HEVC encoding is slow
    (a 2016×1512 noisy picture takes ~20 s here) and the container, not the size, is what is tested."""
    out = io.BytesIO()
    noisy_image(size, seed).save(out, "HEIF", quality=80)
    return out.getvalue()


def webp_photo(size: tuple[int, int] = (1600, 1200), seed: int = 3) -> bytes:
    out = io.BytesIO()
    noisy_image(size, seed).save(out, "WEBP", quality=80)
    return out.getvalue()

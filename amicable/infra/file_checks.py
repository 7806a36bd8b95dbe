"""What a file really is, and a copy of it that is safe to publish.

The type is read from the content (magic bytes), never from the name or the declared
type: a script renamed `photo.jpg` is refused. Images are decoded and re-encoded, which
drops EXIF (GPS position, camera serial), XMP and comments; the EXIF orientation is applied
first so the picture still stands the right way up. PDFs are kept as they are (see
docs/attachments.md: their metadata is not rewritten).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import puremagic
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from amicable.settings import Settings

# Images we re-encode, by the content type the bytes were recognised as: the format Pillow
# must find when it opens them (a file that sniffs as one thing and decodes as another is
# refused), the format written, and the content type stored.
_IMAGES = {
    "image/jpeg": ("JPEG", "JPEG", "image/jpeg"),
    "image/png": ("PNG", "PNG", "image/png"),
    "image/webp": ("WEBP", "WEBP", "image/webp"),
    "image/gif": ("GIF", "GIF", "image/gif"),
    # iPhone photos: browsers cannot show HEIC, so they are kept as JPEG.
    "image/heic": ("HEIF", "JPEG", "image/jpeg"),
    "image/heif": ("HEIF", "JPEG", "image/jpeg"),
}
_EXTENSIONS = {"image/jpeg": ".jpg"}
register_heif_opener()
# A decompression bomb (a tiny file that decodes to gigapixels) is refused before decoding.
MAX_IMAGE_PIXELS = 40_000_000


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    data: bytes
    rejected_reason: str = ""
    # The file was converted (HEIC to JPEG): its name takes this extension.
    extension: str = ""


def renamed(filename: str, checked: CheckedFile) -> str:
    if not checked.extension:
        return filename
    stem, dot, _ = filename.rpartition(".")
    return (stem if dot else filename) + checked.extension


def candidates(data: bytes) -> list[str]:
    """The content types the bytes may be, by their magic numbers, likeliest first (one
    signature can have several names: image/bmp, image/x-ms-bmp); plain UTF-8 text, which
    has no magic number, as text/plain."""
    try:
        matches = puremagic.magic_string(data[:65536])
    except (puremagic.PureError, ValueError):
        matches = []
    found = list(dict.fromkeys(str(m.mime_type) for m in matches if m.mime_type))
    if not found and _is_text(data):
        found = ["text/plain"]
    return found


def sniff(data: bytes) -> str | None:
    """The likeliest content type, or None when the bytes are nothing we recognise."""
    found = candidates(data)
    return found[0] if found else None


def check(settings: Settings, data: bytes, declared: str | None = None) -> CheckedFile:
    """Refuse what is too large or of a type not allowed; clean what is kept. A declared
    type (a mail part's) that is not allowed is refused as such; an allowed one proves
    nothing, the content must be of an allowed type too."""
    if len(data) > settings.attachment_max_bytes:
        return CheckedFile("", b"", f"larger than {settings.attachment_max_bytes} bytes")
    if declared is not None and declared not in settings.attachment_types:
        return CheckedFile("", b"", f"type {declared} is not accepted")
    if not data:
        return CheckedFile("", b"", "empty file")
    found = candidates(data)
    content_type = next((t for t in found if t in settings.attachment_types), None)
    if content_type is None:
        shown = found[0] if found else "unknown"
        return CheckedFile("", b"", f"type {shown} is not accepted")
    if content_type.startswith("image/"):
        if content_type not in _IMAGES:
            # We cannot re-encode it, so we cannot promise its metadata is gone.
            return CheckedFile("", b"", f"type {content_type} is not accepted")
        opens_as, writes, stored = _IMAGES[content_type]
        cleaned = _reencode(data, opens_as, writes)
        if cleaned is None:
            return CheckedFile("", b"", "not a readable image")
        extension = _EXTENSIONS.get(stored, "") if stored != content_type else ""
        return CheckedFile(stored, cleaned, extension=extension)
    return CheckedFile(content_type, data)


def _reencode(data: bytes, opens_as: str, fmt: str) -> bytes | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as source:
                if source.format != opens_as or source.width * source.height > MAX_IMAGE_PIXELS:
                    return None
                frames = getattr(source, "n_frames", 1)
                if fmt == "GIF" and frames > 1:
                    return _reencode_animation(source)
                image = ImageOps.exif_transpose(source)
                image.info = {}  # no EXIF, XMP, ICC or comments carried into the copy
                if fmt == "JPEG" and image.mode not in ("RGB", "L", "CMYK"):
                    image = image.convert("RGB")
                out = io.BytesIO()
                options = {"quality": 90} if fmt in ("JPEG", "WEBP") else {}
                image.save(out, fmt, **options)
                return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        return None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None


def _reencode_animation(source: Image.Image) -> bytes:
    source.info = {}
    out = io.BytesIO()
    source.save(out, "GIF", save_all=True)
    return out.getvalue()


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(ord(ch) < 32 and ch not in "\t\r\n\f" for ch in text)

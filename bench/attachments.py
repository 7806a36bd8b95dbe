"""Attachment checks: the time to sniff and re-encode one file, by kind.

    .venv/bin/python -m bench.attachments [--rounds 5]

A 12-megapixel phone photo (JPEG, noisy like a real one, with EXIF), a 12-megapixel PNG
screenshot and a 5 MB PDF. Each is checked `rounds` times with `file_checks.check` (what an
upload and a mailed attachment go through, in a worker thread); the median is reported.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from amicable.infra.file_checks import check
from amicable.settings import Settings


def _samples() -> dict[str, bytes]:
    photo = Image.effect_noise((4000, 3000), 40).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6
    jpeg = io.BytesIO()
    photo.save(jpeg, "JPEG", quality=92, exif=exif.tobytes())
    screenshot = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
    png = io.BytesIO()
    screenshot.save(png, "PNG")
    pdf = b"%PDF-1.4\n" + b"0" * 5_000_000 + b"\n%%EOF\n"
    return {"jpeg_12mp": jpeg.getvalue(), "png_12mp": png.getvalue(), "pdf_5mb": pdf}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(_env_file=None, data_dir=Path(folder))  # type: ignore[call-arg]
        settings.attachment_max_bytes = 50_000_000
        report: dict[str, object] = {"rounds": args.rounds}
        for name, data in _samples().items():
            times = []
            for _ in range(args.rounds):
                start = time.perf_counter()
                result = check(settings, data)
                times.append(time.perf_counter() - start)
            assert not result.rejected_reason, result.rejected_reason
            report[name] = {
                "input_bytes": len(data),
                "kept_bytes": len(result.data),
                "median_seconds": round(statistics.median(times), 3),
            }
    print(json.dumps(report))


if __name__ == "__main__":
    main()

"""Simple bar charts drawn by hand (no plotting library is installed): SVG for
the PDF (WeasyPrint draws it as vectors) and PNG for Word (Pillow, with the
configured CJK font). The browser draws the same figures with ECharts."""

from __future__ import annotations

import functools
import io
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.conf import settings

WIDTH, HEIGHT = 640, 300
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 48, 16, 36, 70
BAR = "#0b3d6e"
GRID = "#d0d4da"


@dataclass(frozen=True)
class BarChart:
    title: str
    labels: Sequence[str]
    values: Sequence[float]
    unit: str = ""
    max_value: float | None = None  # e.g. 100 for percentages

    def _scale(self) -> float:
        top = self.max_value if self.max_value is not None else max([0, *self.values])
        if top <= 0:
            return 1.0
        # A round upper bound (1, 2, 4 or 8 × 10^k) so the four grid steps stay round.
        magnitude = 10 ** (len(str(int(top))) - 1)
        for step in (1, 2, 4, 8, 10):
            if top <= step * magnitude:
                return float(step * magnitude) if self.max_value is None else float(top)
        return float(top)

    def _geometry(self):
        n = max(len(self.values), 1)
        plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
        plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
        slot = plot_w / n
        bar_w = max(min(slot * 0.6, 48), 2)
        scale = self._scale()
        bars = []
        for i, value in enumerate(self.values):
            h = plot_h * (max(value, 0) / scale)
            x = MARGIN_LEFT + slot * i + (slot - bar_w) / 2
            y = MARGIN_TOP + plot_h - h
            bars.append((x, y, bar_w, h, slot))
        return plot_w, plot_h, scale, bars

    @staticmethod
    def _fmt(value: float) -> str:
        return f"{value:g}"

    def svg(self) -> str:
        plot_w, plot_h, scale, bars = self._geometry()
        font = escape(getattr(settings, "DOCUMENT_FONT_SANS", "") or "sans-serif")
        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
            f'font-family="{font}, sans-serif" font-size="11">',
            f'<text x="{WIDTH / 2}" y="20" text-anchor="middle" font-size="14">{escape(self.title)}</text>',
        ]
        for k in range(5):
            y = MARGIN_TOP + plot_h * k / 4
            out.append(
                f'<line x1="{MARGIN_LEFT}" y1="{y:.1f}" x2="{MARGIN_LEFT + plot_w}" y2="{y:.1f}" stroke="{GRID}" stroke-width="0.6"/>'
            )
            out.append(
                f'<text x="{MARGIN_LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{self._fmt(scale * (4 - k) / 4)}</text>'
            )
        for (x, y, w, h, _slot), label, value in zip(bars, self.labels, self.values, strict=False):
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{BAR}"/>')
            out.append(
                f'<text x="{x + w / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{self._fmt(value)}{escape(self.unit)}</text>'
            )
            lx = x + w / 2
            ly = MARGIN_TOP + plot_h + 12
            out.append(
                f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="end" transform="rotate(-35 {lx:.1f} {ly:.1f})">{escape(str(label)[:10])}</text>'
            )
        out.append("</svg>")
        return "".join(out)

    def png(self, scale_factor: int = 2) -> bytes:
        from PIL import Image, ImageDraw

        s = scale_factor
        plot_w, plot_h, scale, bars = self._geometry()
        image = Image.new("RGB", (WIDTH * s, HEIGHT * s), "white")
        draw = ImageDraw.Draw(image)
        small, big = _font(11 * s), _font(14 * s)
        draw.text((WIDTH * s / 2, 20 * s), self.title, fill="black", font=big, anchor="ms")
        for k in range(5):
            y = (MARGIN_TOP + plot_h * k / 4) * s
            draw.line([(MARGIN_LEFT * s, y), ((MARGIN_LEFT + plot_w) * s, y)], fill=GRID, width=1)
            draw.text(
                ((MARGIN_LEFT - 4) * s, y), self._fmt(scale * (4 - k) / 4), fill="#555555", font=small, anchor="rm"
            )
        for (x, y, w, h, _slot), label, value in zip(bars, self.labels, self.values, strict=False):
            draw.rectangle([x * s, y * s, (x + w) * s, (y + h) * s], fill=BAR)
            draw.text(
                ((x + w / 2) * s, (y - 3) * s), f"{self._fmt(value)}{self.unit}", fill="black", font=small, anchor="ms"
            )
            text = str(label)[:10]
            # Rotated label: draw on its own transparent tile, rotate, paste ending under the bar.
            box = draw.textbbox((0, 0), text, font=small)
            tile = Image.new("RGBA", (box[2] - box[0] + 4, box[3] - box[1] + 4), (255, 255, 255, 0))
            ImageDraw.Draw(tile).text((2 - box[0], 2 - box[1]), text, fill="black", font=small)
            rotated = tile.rotate(35, expand=True)
            px = int((x + w / 2) * s - rotated.width)
            py = int((MARGIN_TOP + plot_h + 4) * s)
            image.paste(rotated, (px, py), rotated)
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()


@functools.lru_cache(maxsize=8)
def _font_file(family: str) -> tuple[str, int] | None:
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}:%{index}", family], capture_output=True, text=True, timeout=5, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, _sep, index = found.rpartition(":")
    return (path, int(index or 0)) if path else None


@functools.lru_cache(maxsize=16)
def _font(size: int):
    from PIL import ImageFont

    family = getattr(settings, "DOCUMENT_FONT_SANS", "") or "Noto Sans CJK SC"
    found = _font_file(family)
    if found is not None:
        try:
            return ImageFont.truetype(found[0], size=size, index=found[1])
        except OSError:
            pass
    return ImageFont.load_default(size=size)

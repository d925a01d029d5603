"""Colour contrast as WCAG 2.2 measures it, so no brand colour can make the site unreadable."""

import re

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

# WCAG 2.2 AA: 4.5:1 for normal text (1.4.3), 3:1 for the parts of controls (1.4.11).
TEXT_CONTRAST = 4.5
CONTROL_CONTRAST = 3.0


def rgb(colour: str) -> tuple[int, int, int]:
    """ "#1f5f8b" -> (31, 95, 139)."""
    if not HEX_COLOUR.match(colour or ""):
        raise ValueError(f"{colour!r} is not a colour like #1f5f8b")
    return tuple(int(colour[index : index + 2], 16) for index in (1, 3, 5))


def relative_luminance(colour: str) -> float:
    """WCAG's relative luminance: 0 for black, 1 for white."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """From 1 (no contrast) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def format_ratio(ratio: float) -> str:
    """3.14159 -> "3.1:1", rounded down so a colour is never shown as passing when it fails."""
    return f"{int(ratio * 10) / 10:.1f}:1"


def darken(colour: str, amount: float) -> str:
    """`colour` mixed with `amount` (0 to 1) of black: a hover shade with more contrast."""
    return "#" + "".join(f"{round(channel * (1 - amount)):02x}" for channel in rgb(colour))


def readable_text_on(background: str, candidates: tuple[str, ...]) -> str:
    """The candidate text colour with the most contrast on `background`."""
    return max(candidates, key=lambda colour: contrast_ratio(colour, background))

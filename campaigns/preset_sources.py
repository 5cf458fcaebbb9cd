"""The source document of each preset: the government plan it was transcribed from, kept in the repository.

The plans are public documents (SPEC.md "Presets": "each seed can be loaded as a ready campaign"). Their
text lives in `campaigns/presets/sources/`, named as the preset's "seed" field says, so the app can show a
preset beside the plan it came from and the tests can check the transcription against it on any clone.
"""

from dataclasses import dataclass
from pathlib import Path

from .chinese_script import to_simplified
from .preset_loader import PRESET_DIR, read_preset

SOURCES_DIR = PRESET_DIR / "sources"


@dataclass(frozen=True)
class PresetSource:
    slug: str
    title: str
    issuer: str
    doc_number: str
    text: str
    converted: bool


def source_path(slug: str) -> Path:
    """The file of the plan behind preset `slug`; PresetError for an unknown preset."""
    return SOURCES_DIR / read_preset(slug)["seed"]


def original_text(slug: str) -> str:
    """The plan exactly as published (seed 004 in traditional characters)."""
    return source_path(slug).read_text(encoding="utf-8")


def preset_source(slug: str) -> PresetSource:
    """The plan as the app shows it: in simplified characters, like the campaign loaded from it."""
    preset = read_preset(slug)
    text = original_text(slug)
    converted = preset.get("script") == "traditional"
    return PresetSource(
        slug=slug,
        title=preset["title"],
        issuer=preset["issuer"],
        doc_number=preset["doc_number"],
        text=to_simplified(text) if converted else text,
        converted=converted,
    )

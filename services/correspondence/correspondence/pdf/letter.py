"""The letter every notice is printed on: letterhead, reference block, page numbers, embedded Unicode font."""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fontTools import subset as ftsubset
from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

from correspondence.domain.formatting import long_date

FONTS_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT = "DejaVuSans"
AGENCY = "California Secretary of State"
DIVISION = "Political Reform Division"
AUTHOR = f"{AGENCY}, {DIVISION}"
PACIFIC = ZoneInfo("America/Los_Angeles")
# Width (mm) of the label column where a notice sets out its facts.
FACT_LABEL_WIDTH = 62

# fontTools logs the glyphs of every embedded font subset at INFO. For an access code letter the bold subset
# spells out which characters the code is made of, so that logger stays at warnings whatever LOG_LEVEL says.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_FILES = {"": FONTS_DIR / "DejaVuSans.ttf", "B": FONTS_DIR / "DejaVuSans-Bold.ttf"}
# Characters nearly every letter prints (printable ASCII, typographic punctuation): each font is cut down to their
# glyphs and those of a letter's other characters (accents, a Greek or Cyrillic name) once per process, so that
# subsetting a letter starts from ~100 glyphs, not ~6,000.
REPERTOIRE = frozenset([*range(0x20, 0x7F), 0xA0, 0xA7, 0xA9, 0xB7, *range(0x2010, 0x2027)])
# Fonts cut down to the repertoire plus other glyphs letters used, kept per process (~50 kB each).
SOURCE_CACHE_SIZE = 128
# fpdf2 drops these tables when it embeds a subset; dropping them when cutting down the source changes nothing.
DROPPED_TABLES = ["FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix", "CBDT", "CBLC", "EBDT", "EBLC"]
DROPPED_TABLES += ["EBSC", "SVG ", "CPAL", "COLR"]


@functools.cache
def _parsed_fonts() -> dict[str, TTFFont]:
    """DejaVu Sans regular and bold parsed once per process by fpdf2 (metrics, cmap, glyph ids) and shared."""
    prototype = FPDF()
    for style, path in FONT_FILES.items():
        prototype.add_font(FONT, style, str(path))
    return dict(prototype.fonts)


@functools.lru_cache(maxsize=SOURCE_CACHE_SIZE)
def _font_source(style: str, extra_glyphs: frozenset[str]) -> bytes:
    """The font file cut down to the repertoire's glyphs and `extra_glyphs`, glyph names kept, as bytes."""
    font = ttLib.TTFont(str(FONT_FILES[style]), recalcTimestamp=False, lazy=True)
    cmap = font.getBestCmap()
    options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True, glyph_names=True)
    options.drop_tables += DROPPED_TABLES
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(glyphs=sorted({cmap[code] for code in REPERTOIRE if code in cmap} | extra_glyphs))
    subsetter.subset(font)
    output = io.BytesIO()
    font.save(output)
    return output.getvalue()


@functools.cache
def _repertoire_glyphs(style: str) -> frozenset[str]:
    cmap = _parsed_fonts()[f"{FONT.lower()}{style}"].cmap
    return frozenset(cmap[code] for code in REPERTOIRE if code in cmap)


def prepare_fonts() -> None:
    """Parse the fonts and cut down their sources now, so that the first letter a process draws is not slow."""
    for style in FONT_FILES:
        _font_source(style, frozenset())
    _parsed_fonts()


class DocumentFont(TTFFont):
    """A letter's own copy of a font parsed once per process: shared metrics, its own record of the glyphs used."""

    __slots__ = ()

    @classmethod
    def of(cls, parsed: TTFFont) -> DocumentFont:
        font = cls.__new__(cls)
        for slot in TTFFont.__slots__:
            if hasattr(parsed, slot):
                setattr(font, slot, getattr(parsed, slot))
        font.subset = SubsetMap(font)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        return font


def _subset_source(style: str, glyph_names: Iterable[str]) -> ttLib.TTFont:
    """A fresh font for fpdf2 to subset in place at output: the repertoire's cut plus whatever else is used."""
    extra = frozenset(glyph_names) - _repertoire_glyphs(style)
    # Not recalculating bounding boxes spares decompiling every glyph kept (a third of drawing a letter): the
    # subset keeps the cut-down font's bounds and maxima, which hold for any subset of its glyphs.
    source = io.BytesIO(_font_source(style, extra))
    return ttLib.TTFont(source, recalcTimestamp=False, recalcBBoxes=False, lazy=True)


class Letter(FPDF):
    """A US Letter page with the Division's letterhead and 'Page n of N' at the foot of every page."""

    def __init__(self, *, number: str, title: str, subject: str, issued_on: date) -> None:
        super().__init__(orientation="portrait", unit="mm", format="Letter")
        self.number = number
        # DejaVu Sans covers Latin, Greek, Cyrillic and more, so names print as filed. Parsing it takes longer
        # than drawing a letter, so each letter gets a copy of the fonts parsed once per process.
        for fontkey, parsed in _parsed_fonts().items():
            self.fonts[fontkey] = DocumentFont.of(parsed)
        self.set_margins(left=25, top=20, right=25)
        self.set_auto_page_break(auto=True, margin=25)
        self.set_title(title)
        self.set_author(AUTHOR)
        self.set_subject(subject)
        self.set_creator("CARS")
        self.set_lang("en-US")
        # A fixed creation date makes the same notice render to the same bytes.
        self.set_creation_date(datetime.combine(issued_on, time(12, 0), tzinfo=PACIFIC))

    def header(self) -> None:
        self.set_font(FONT, "B", 14)
        self.cell(0, 7, AGENCY, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 11)
        self.cell(0, 6, DIVISION, new_x="LMARGIN", new_y="NEXT")
        self.set_line_width(0.4)
        self.line(self.l_margin, self.get_y() + 2, self.w - self.r_margin, self.get_y() + 2)
        self.ln(8)

    def footer(self) -> None:
        self.set_y(-18)
        self.set_font(FONT, "", 8)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")

    def reference_block(self, issued_on: date, recipient_lines: list[str]) -> None:
        """Correspondence number and date, then the recipient's address block."""
        self.set_font(FONT, "", 10)
        self.cell(0, 5, f"Correspondence number: {self.number}", new_x="LMARGIN", new_y="NEXT")
        self.cell(0, 5, f"Date: {long_date(issued_on)}", new_x="LMARGIN", new_y="NEXT")
        self.ln(6)
        self.set_font(FONT, "", 11)
        for line in recipient_lines:
            self.multi_cell(0, 5.5, line, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(6)

    def heading(self, text: str) -> None:
        self.set_font(FONT, "B", 13)
        self.multi_cell(0, 7, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(3)

    def subheading(self, text: str) -> None:
        self.set_font(FONT, "B", 11)
        self.multi_cell(0, 6, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def paragraph(self, text: str, size: float = 11) -> None:
        """A block of body text; a smaller `size` (points) keeps a longer letter on one page."""
        self.set_font(FONT, "", size)
        self.multi_cell(0, size / 2, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(size * 3 / 11)

    def facts(self, rows: list[tuple[str, str]]) -> None:
        """Labelled facts in two columns, label in bold; either side wraps and a row never splits across pages."""
        value_width = self.w - self.l_margin - self.r_margin - FACT_LABEL_WIDTH
        for label, value in rows:
            self.set_font(FONT, "B", 10)
            label_lines = self.multi_cell(FACT_LABEL_WIDTH - 2, 5.5, label, dry_run=True, output="LINES")
            self.set_font(FONT, "", 10)
            value_lines = self.multi_cell(value_width, 5.5, value, dry_run=True, output="LINES")
            height = 5.5 * max(len(label_lines), len(value_lines))
            if self.will_page_break(height):
                self.add_page()
            top = self.get_y()
            self.set_font(FONT, "B", 10)
            self.multi_cell(FACT_LABEL_WIDTH - 2, 5.5, label, align="L")
            self.set_xy(self.l_margin + FACT_LABEL_WIDTH, top)
            self.set_font(FONT, "", 10)
            self.multi_cell(value_width, 5.5, value, align="L")
            self.set_xy(self.l_margin, top + height)
        self.ln(4)

    def set_apart(self, first: str, second: str) -> None:
        """Two centred lines in a frame, the first in large bold type: a value the reader must copy exactly."""
        self.ln(1)
        top = self.get_y()
        self.set_font(FONT, "B", 15)
        self.cell(0, 10, first, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 10)
        self.cell(0, 6, second, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_line_width(0.3)
        self.rect(self.l_margin, top - 1, self.w - self.l_margin - self.r_margin, self.get_y() - top + 3)
        self.ln(6)

    def signature(self) -> None:
        self.ln(4)
        self.set_font(FONT, "", 11)
        self.cell(0, 5.5, DIVISION, new_x="LMARGIN", new_y="NEXT")
        self.cell(0, 5.5, AGENCY, new_x="LMARGIN", new_y="NEXT")

    def output(self, *args: Any, **kwargs: Any) -> Any:
        """fpdf2's output, each font embedded as the subset of the glyphs this letter uses."""
        for fontkey, font in self.fonts.items():
            if isinstance(font, DocumentFont):
                # fpdf2 subsets the font it is given in place, so it gets a fresh one, never the shared parse.
                font.ttfont = _subset_source(fontkey.removeprefix(FONT.lower()), font.subset.get_all_glyph_names())
        return super().output(*args, **kwargs)

    def to_bytes(self) -> bytes:
        return bytes(self.output())

"""The letter every notice is printed on: letterhead, reference block, page numbers, embedded Unicode font."""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from fpdf import FPDF

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


class Letter(FPDF):
    """A US Letter page with the Division's letterhead and 'Page n of N' at the foot of every page."""

    def __init__(self, *, number: str, title: str, subject: str, issued_on: date) -> None:
        super().__init__(orientation="portrait", unit="mm", format="Letter")
        self.number = number
        # DejaVu Sans covers Latin, Greek, Cyrillic and more, so names print as filed.
        self.add_font(FONT, "", str(FONTS_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS_DIR / "DejaVuSans-Bold.ttf"))
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

    def to_bytes(self) -> bytes:
        return bytes(self.output())

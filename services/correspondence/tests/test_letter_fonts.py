"""Letters share one parse of their fonts per process, and still embed exactly the glyphs each one uses."""

import io
from datetime import date

from fontTools import ttLib
from pypdf import PdfReader

from correspondence.domain.annual_fee_notice import AnnualFeeNotice
from correspondence.pdf import annual_fee_notice as template
from correspondence.pdf import letter


def notice(entity_name):
    return AnnualFeeNotice(
        number="C-2026-000001",
        issued_on=date(2026, 3, 2),
        entity_id="1400001",
        entity_name=entity_name,
        fee_year=2026,
        amount_cents=5000,
        due_date=date(2026, 3, 17),
        late_penalty_cents=15000,
        portal_url="https://cars.example.org",
    )


def embedded_fonts(document):
    """Each embedded font program of the PDF, parsed."""
    fonts = []
    for page in PdfReader(io.BytesIO(document)).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            fonts.append(ttLib.TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data())))
    return fonts


def text_of(document):
    return PdfReader(io.BytesIO(document)).pages[0].extract_text()


def characters_of(fonts):
    return {chr(code) for font in fonts for code in font.getBestCmap()}


class FontsParsedForItself(letter.Letter):
    """A letter that loads its fonts with fpdf2's add_font, as a letter drawn on its own would."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fonts.clear()
        for style, path in letter.FONT_FILES.items():
            self.add_font(letter.FONT, style, str(path))


def glyphs_and_metrics(font):
    """Each glyph's name, advance width and outline: what a reader of the PDF sees of an embedded font."""
    return [
        (name, font["hmtx"][name], font["glyf"][name].getCoordinates(font["glyf"])[0].array.tolist())
        for name in font.getGlyphOrder()
    ]


def test_a_letter_embeds_the_same_glyphs_as_one_whose_fonts_were_parsed_for_it_alone(monkeypatch):
    names = ("Friends of Example", "Comité de Peña", "Ελληνική Επιτροπή", "Дружба Комитет")
    shared = [template.render_annual_fee_notice(notice(name)) for name in names]
    monkeypatch.setattr(template, "Letter", FontsParsedForItself)
    alone = [template.render_annual_fee_notice(notice(name)) for name in names]
    for ours, plain in zip(shared, alone, strict=True):
        assert (
            PdfReader(io.BytesIO(ours)).pages[0].extract_text() == PdfReader(io.BytesIO(plain)).pages[0].extract_text()
        )
        for our_font, plain_font in zip(embedded_fonts(ours), embedded_fonts(plain), strict=True):
            assert glyphs_and_metrics(our_font) == glyphs_and_metrics(plain_font)


def test_a_letter_is_the_same_bytes_whatever_this_process_drew_before():
    first = template.render_annual_fee_notice(notice("Comité de Peña"))
    template.render_annual_fee_notice(notice("Ελληνική Επιτροπή"))
    letter._font_source.cache_clear()
    assert template.render_annual_fee_notice(notice("Comité de Peña")) == first


def test_letters_drawn_in_turn_each_embed_only_the_glyphs_they_use():
    greek = template.render_annual_fee_notice(notice("Ελληνική Επιτροπή"))
    cyrillic = template.render_annual_fee_notice(notice("Дружба Комитет"))
    assert "Ελληνική Επιτροπή" in text_of(greek)
    assert "Дружба Комитет" in text_of(cyrillic)
    assert "Д" in characters_of(embedded_fonts(cyrillic))
    assert "λ" not in characters_of(embedded_fonts(cyrillic))
    assert all(len(font.getGlyphOrder()) < 120 for font in embedded_fonts(cyrillic))
    assert template.render_annual_fee_notice(notice("Ελληνική Επιτροπή")) == greek


def test_the_fonts_parsed_once_are_never_cut_down_by_a_letter():
    template.render_annual_fee_notice(notice("Friends of Example"))
    for parsed in letter._parsed_fonts().values():
        assert len(parsed.ttfont.getGlyphOrder()) > 5000

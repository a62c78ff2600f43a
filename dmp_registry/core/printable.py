"""Printable documents: one simple block model rendered as PDF (reportlab), DOCX (python-docx) and
HTML, so DMPs (issue 8) and status reports (issue 9) share one renderer.

    doc = Printable(title="Statusrapport", subtitle="Tiltak 25", lang="nb")
    doc.heading("Status", level=1)
    doc.paragraph("Text …")
    doc.fields([("Ansvarlig", "Solveig Bakken"), ("Status", "Pågår")])   # label: value rows
    doc.table(["Kode", "Tittel"], [["A1", "DMP-mal"]], caption="Aktiviteter")
    pdf_bytes, docx_bytes, html_text = doc.to_pdf(), doc.to_docx(), doc.to_html()

Texts are plain strings (newlines become line breaks); nothing is interpreted as markup, so user
input cannot change the layout. The PDF uses reportlab's built-in Helvetica (Latin-1: æ, ø, å and
the usual punctuation); characters outside it are replaced rather than drawn as boxes.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from html import escape

Block = tuple  # ("heading", text, level) | ("paragraph", text) | ("fields", rows) | ("table", header, rows, caption)


@dataclass
class Printable:
    title: str
    subtitle: str = ""
    lang: str = "nb"
    footer: str = ""                                   # printed on every PDF page, e.g. "Utskrevet 2026-11-23"
    blocks: list[Block] = field(default_factory=list)

    # ---- building ----------------------------------------------------------------------
    def heading(self, text: str, level: int = 1) -> "Printable":
        self.blocks.append(("heading", _s(text), max(1, min(level, 3))))
        return self

    def paragraph(self, text: str | None) -> "Printable":
        self.blocks.append(("paragraph", _s(text)))
        return self

    def fields(self, rows: list[tuple[str, object]]) -> "Printable":
        self.blocks.append(("fields", [(_s(label), _s(value)) for label, value in rows]))
        return self

    def table(self, header: list[str], rows: list[list[object]], caption: str = "") -> "Printable":
        self.blocks.append(("table", [_s(h) for h in header], [[_s(c) for c in row] for row in rows], _s(caption)))
        return self

    # ---- HTML ----------------------------------------------------------------------------
    def to_html(self, standalone: bool = True) -> str:
        out = [f"<h1>{escape(self.title)}</h1>"]
        if self.subtitle:
            out.append(f'<p class="subtitle">{_html_text(self.subtitle)}</p>')
        for block in self.blocks:
            kind = block[0]
            if kind == "heading":
                out.append(f"<h{block[2] + 1}>{escape(block[1])}</h{block[2] + 1}>")
            elif kind == "paragraph":
                out.append(f"<p>{_html_text(block[1])}</p>")
            elif kind == "fields":
                out.append("<dl>" + "".join(f"<dt>{escape(k)}</dt><dd>{_html_text(v)}</dd>" for k, v in block[1]) + "</dl>")
            else:
                header, rows, caption = block[1], block[2], block[3]
                cap = f"<caption>{escape(caption)}</caption>" if caption else ""
                head = "".join(f'<th scope="col">{escape(h)}</th>' for h in header)
                body = "".join("<tr>" + "".join(f"<td>{_html_text(c)}</td>" for c in row) + "</tr>" for row in rows)
                out.append(f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        if self.footer:
            out.append(f'<p class="footer">{escape(self.footer)}</p>')
        body = "\n".join(out)
        if not standalone:
            return body
        return (f'<!doctype html>\n<html lang="{escape(self.lang)}"><head><meta charset="utf-8">'
                f"<title>{escape(self.title)}</title><style>{_PRINT_CSS}</style></head>"
                f"<body><main>\n{body}\n</main></body></html>\n")

    # ---- PDF ------------------------------------------------------------------------------
    def to_pdf(self) -> bytes:
        from reportlab.lib import colors
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import mm
        from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

        styles = _pdf_styles()
        story = [Paragraph(_pdf_text(self.title), styles["title"])]
        if self.subtitle:
            story.append(Paragraph(_pdf_text(self.subtitle), styles["subtitle"]))
        width = A4[0] - 40 * mm
        for block in self.blocks:
            kind = block[0]
            if kind == "heading":
                story.append(Paragraph(_pdf_text(block[1]), styles[f"h{block[2]}"]))
            elif kind == "paragraph":
                story.append(Paragraph(_pdf_text(block[1]) or "&nbsp;", styles["body"]))
            elif kind == "fields":
                data = [[Paragraph(_pdf_text(k), styles["label"]), Paragraph(_pdf_text(v), styles["cell"])]
                        for k, v in block[1]]
                if data:
                    table = Table(data, colWidths=[width * 0.32, width * 0.68])
                    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                               ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey)]))
                    story += [table, Spacer(1, 3 * mm)]
            else:
                header, rows, caption = block[1], block[2], block[3]
                if caption:
                    story.append(Paragraph(_pdf_text(caption), styles["caption"]))
                data = [[Paragraph(_pdf_text(h), styles["th"]) for h in header]]
                data += [[Paragraph(_pdf_text(c), styles["cell"]) for c in row] for row in rows]
                table = Table(data, repeatRows=1, colWidths=[width / max(len(header), 1)] * len(header))
                table.setStyle(TableStyle([
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5"))]))
                story += [table, Spacer(1, 4 * mm)]
        buffer = io.BytesIO()
        footer = self.footer

        def on_page(canvas, doc):
            canvas.saveState()
            canvas.setFont("Helvetica", 8)
            canvas.drawString(20 * mm, 10 * mm, _latin1(footer))
            canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, str(doc.page))
            canvas.restoreState()

        SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                          bottomMargin=18 * mm, title=_latin1(self.title), author="dmp_registry",
                          lang=self.lang).build(story, onFirstPage=on_page, onLaterPages=on_page)
        return buffer.getvalue()

    # ---- DOCX ---------------------------------------------------------------------------
    def to_docx(self) -> bytes:
        import docx

        document = docx.Document()
        document.core_properties.title = self.title
        document.core_properties.language = self.lang
        document.add_heading(self.title, level=0)
        if self.subtitle:
            document.add_paragraph(self.subtitle, style="Subtitle")
        for block in self.blocks:
            kind = block[0]
            if kind == "heading":
                document.add_heading(block[1], level=block[2])
            elif kind == "paragraph":
                document.add_paragraph(block[1])
            elif kind == "fields":
                table = document.add_table(rows=0, cols=2)
                table.style = "Table Grid"
                for label, value in block[1]:
                    cells = table.add_row().cells
                    cells[0].text, cells[1].text = label, value
                    for run in cells[0].paragraphs[0].runs:
                        run.bold = True
            else:
                header, rows, caption = block[1], block[2], block[3]
                if caption:
                    document.add_paragraph(caption, style="Caption")
                table = document.add_table(rows=1, cols=len(header))
                table.style = "Table Grid"
                for cell, text in zip(table.rows[0].cells, header):
                    cell.text = text
                    for run in cell.paragraphs[0].runs:
                        run.bold = True
                for row in rows:
                    for cell, text in zip(table.add_row().cells, row):
                        cell.text = text
        if self.footer:
            document.sections[0].footer.paragraphs[0].text = self.footer
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()


# ---- helpers --------------------------------------------------------------------------------
def _s(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else "–"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:16].replace("T", " ")
    return str(value)


def _html_text(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def _latin1(text: str) -> str:
    return text.replace("✓", "x").encode("cp1252", "replace").decode("cp1252")


def _pdf_text(text: str) -> str:
    """reportlab Paragraphs read a little markup: escape it, keep line breaks."""
    return escape(_latin1(text)).replace("\n", "<br/>")


def _pdf_styles() -> dict:
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName="Helvetica", fontSize=10, leading=13, spaceAfter=5)
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName="Helvetica-Bold", fontSize=18, alignment=0),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=11, textColor="#444444", spaceAfter=10),
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontName="Helvetica-Bold", fontSize=14, spaceBefore=10),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName="Helvetica-Bold", fontSize=12, spaceBefore=8),
        "h3": ParagraphStyle("h3", parent=base["Heading3"], fontName="Helvetica-Bold", fontSize=10.5, spaceBefore=6),
        "body": body,
        "label": ParagraphStyle("label", parent=body, fontName="Helvetica-Bold", spaceAfter=2),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=11, spaceAfter=0),
        "th": ParagraphStyle("th", parent=body, fontName="Helvetica-Bold", fontSize=9, leading=11, spaceAfter=0),
        "caption": ParagraphStyle("caption", parent=body, fontName="Helvetica-Oblique", fontSize=9),
    }


_PRINT_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5;color:#1b1b1b;margin:0}
main{max-width:50rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.8rem}h2{font-size:1.35rem;margin-top:2rem}h3{font-size:1.1rem}
.subtitle{color:#444}dl{display:grid;grid-template-columns:minmax(10rem,1fr) 3fr;gap:.25rem 1rem}
dt{font-weight:600}dd{margin:0}table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border:1px solid #999;padding:.3rem .5rem;text-align:left;vertical-align:top}caption{text-align:left;font-style:italic}
.footer{color:#555;font-size:.85rem;margin-top:2rem}
@media print{main{margin:0;max-width:none}}
"""

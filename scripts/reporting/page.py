"""The HTML page: sections with an id each, tables, figures embedded as base64 PNG, inline
SVG. Everything is escaped here; nothing refers to a file or a network address."""
import base64
import html
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

DPI = 100
plt.rcParams.update({"figure.dpi": DPI, "axes.grid": True, "grid.alpha": 0.3,
                     "legend.fontsize": 8, "axes.titlesize": 10, "font.size": 9,
                     "axes.formatter.useoffset": False})

CSS = """
body{font-family:sans-serif;max-width:1200px;margin:1em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.25em;border-bottom:2px solid #345;margin-top:1.6em}
h3{font-size:1.05em;margin-top:1.2em}
table{border-collapse:collapse;font-size:0.85em;margin:0.5em 0}
td,th{border:1px solid #bbb;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#e8edf2}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.bad td{background:#fde8e8}
.note{color:#555;font-size:0.85em}.ok{color:#175}.warn{color:#a11;font-weight:bold}
figure{margin:0.6em 0}figure img{max-width:100%;height:auto}
figcaption{font-size:0.85em;color:#444}
nav a{margin-right:0.8em}
@media print{nav{display:none}h2{page-break-before:auto}figure{page-break-inside:avoid}}
"""


def esc(x):
    return html.escape(str(x), quote=True)


def fmt(v, digits=4):
    """A number for a table cell."""
    if v is None:
        return ""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    if f != f:
        return "—"
    if f == int(f) and abs(f) < 1e9:
        return str(int(f))
    return f"{f:.{digits}g}"


class Section:
    def __init__(self, sid, title):
        self.id = sid
        self.title = title
        self.parts = []

    def h3(self, text):
        self.parts.append(f"<h3>{esc(text)}</h3>")

    def p(self, text, cls=None):
        c = f' class="{cls}"' if cls else ""
        self.parts.append(f"<p{c}>{esc(text)}</p>")

    def raw(self, markup):
        self.parts.append(markup)

    def table(self, header, rows, cls=None, numeric=None, row_classes=None, tid=None):
        """rows: lists of cell values (numbers formatted with fmt)."""
        numeric = numeric or [False] * len(header)
        out = [f'<table{f" id={esc(tid)!r}" if tid else ""}'
               f'{f" class={esc(cls)!r}" if cls else ""}><thead><tr>']
        out += [f"<th>{esc(h)}</th>" for h in header]
        out.append("</tr></thead><tbody>")
        for i, row in enumerate(rows):
            rc = row_classes[i] if row_classes else ""
            out.append(f'<tr class="{esc(rc)}">' if rc else "<tr>")
            for j, v in enumerate(row):
                if numeric[j]:
                    out.append(f'<td class="num">{esc(fmt(v))}</td>')
                else:
                    out.append(f"<td>{esc(v)}</td>")
            out.append("</tr>")
        out.append("</tbody></table>")
        self.parts.append("".join(out))

    def figure(self, fig, caption="", fid=None):
        """A matplotlib figure as an embedded PNG (the figure is closed)."""
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight")
        plt.close(fig)
        data = base64.b64encode(buf.getvalue()).decode("ascii")
        idattr = f' id="{esc(fid)}"' if fid else ""
        alt = esc(caption or self.title)
        self.parts.append(f'<figure{idattr}><img alt="{alt}" src="data:image/png;base64,{data}">'
                          + (f"<figcaption>{esc(caption)}</figcaption>" if caption else "")
                          + "</figure>")

    def html(self):
        return (f'<section id="{esc(self.id)}"><h2>{esc(self.title)}</h2>'
                + "\n".join(self.parts) + "</section>")


class Page:
    def __init__(self, title):
        self.title = title
        self.sections = []

    def section(self, sid, title):
        s = Section(sid, title)
        self.sections.append(s)
        return s

    def html(self):
        nav = " ".join(f'<a href="#{esc(s.id)}">{esc(s.title)}</a>' for s in self.sections)
        body = "\n".join(s.html() for s in self.sections)
        return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                f"<title>{esc(self.title)}</title><style>{CSS}</style></head><body>"
                f"<h1>{esc(self.title)}</h1><nav>{nav}</nav>\n{body}\n</body></html>\n")

    def write(self, path):
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.html())

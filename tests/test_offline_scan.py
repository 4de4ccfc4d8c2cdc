"""The scanner used by the offline tests finds what a browser would fetch, and only that."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.offline_scan import external_fetches


def test_finds_fetching_references(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(
        '<script src="https://cdn.example.org/a.js"></script>'
        "<link href='//fonts.example.org/f.css'>"
        "<style>body{background:url(https://img.example.org/x.png)}</style>"
        "<script>L.tileLayer('https://{s}.tile.example.org/{z}/{x}/{y}.png')</script>"
        '<script>fetch("https://api.example.org/q")</script>'
    )
    urls = {u for _, u in external_fetches(page)}
    assert urls == {
        "https://cdn.example.org/a.js",
        "//fonts.example.org/f.css",
        "https://img.example.org/x.png",
        "https://{s}.tile.example.org/{z}/{x}/{y}.png",
        "https://api.example.org/q",
    }


def test_ignores_local_text_and_namespaces(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"></svg>'
        '<script src="http://127.0.0.1:8866/static/x.js"></script>'
        "<p>See https://example.org for details (plain text, not fetched)</p>"
        '<img src="data:image/png;base64,AAAA">'
    )
    assert external_fetches(page) == []


def test_reads_inside_office_zip(tmp_path: Path) -> None:
    docx = tmp_path / "d.docx"
    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr(
            "word/_rels/document.xml.rels",
            '<Relationship Id="r1" Type="image" Target="https://x.example.org/i.png" '
            'TargetMode="External"/>',
        )
    assert external_fetches(docx) == [
        (f"{docx}!word/_rels/document.xml.rels", "https://x.example.org/i.png")
    ]

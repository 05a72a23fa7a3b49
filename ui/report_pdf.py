"""A student's report as PDF, through Qt's own PDF writer: the report's HTML (``rig.report``) with
each plot (SVG) drawn into an image the document holds."""
import os
import re

from PySide6.QtCore import QByteArray, QRectF, QUrl
from PySide6.QtGui import QImage, QPageSize, QPainter, QPdfWriter, QTextDocument
from PySide6.QtSvg import QSvgRenderer

SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)
DPI = 150


def write_pdf(report_html, path):
    """Write ``report_html`` to ``path`` as an A4 PDF (OSError if it cannot be written)."""
    document = QTextDocument()
    plots = SVG.findall(report_html)
    for k, svg in enumerate(plots):
        renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
        size = renderer.defaultSize()
        image = QImage(size * 2, QImage.Format.Format_ARGB32)
        image.fill(0xFFFFFFFF)
        painter = QPainter(image)
        renderer.render(painter, QRectF(image.rect()))  # the whole image: twice the SVG's size, sharp on paper
        painter.end()
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"plot{k}.png"), image)
    counter = iter(range(len(plots)))
    html = SVG.sub(lambda m: f'<img src="plot{next(counter)}.png" width="560">', report_html)
    document.setHtml(html)
    writer = QPdfWriter(path)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setResolution(DPI)
    document.print_(writer)  # page by page
    del writer  # the file is complete once the writer is gone
    if not os.path.isfile(path) or os.path.getsize(path) == 0:
        raise OSError(f"cannot write {path}")

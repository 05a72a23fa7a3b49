"""How the window looks, normal or projected: font sizes and the large-digit labels. The layout
stays the same in projector mode; fonts, pens and contrast grow."""

SHEET = """
QLabel[readout="true"] {{ font-size: {readout}pt; font-weight: bold; color: #101010; }}
QLabel[readout_name="true"], QLabel#steady_state {{ font-size: {readout_name}pt; }}
QLabel[meter="true"] {{ font-size: {meter}pt; border: 1px solid #808080; border-radius: 6px; padding: 4px;
                        background: #101010; color: #50ff70; }}
QLabel[meter="true"][primary="true"] {{ border: 3px solid #50ff70; }}
QLabel#caption {{ font-size: {caption}pt; font-weight: bold; color: white; background: rgb(20, 20, 60);
                 padding: 6px; }}
QPushButton[objectName^="clamp="]:checked {{ background: #2f7d32; color: white; font-weight: bold; }}
"""
NORMAL = {"base": 11, "readout": 18, "readout_name": 10, "meter": 22, "caption": 20}
PROJECTOR = {"base": 13, "readout": 20, "readout_name": 12, "meter": 30, "caption": 26}


def apply(app, window, projector=False):
    sizes = PROJECTOR if projector else NORMAL
    font = app.font()
    font.setPointSize(sizes["base"])
    app.setFont(font)
    window.setStyleSheet(SHEET.format(**sizes))

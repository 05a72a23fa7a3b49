"""A practical's plots from the student's table, and drawn as SVG for reports and worksheets
(no Qt: a report is written headless too). ``series`` gives the points, ``fitted`` the fit's
curve and parameters, ``svg`` one plot with its axes, ticks, legend and fit.
"""
import html
import math

import numpy as np

from . import expressions

COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9")  # Okabe & Ito: colour-blind safe
WIDTH, HEIGHT, MARGIN = 560, 340, (60, 20, 30, 50)  # px; margins left, right, top, bottom


def series(plot, rows):
    """[(y formula, xs, ys)]: each row that has what the formulas need gives a point."""
    found = []
    for formula in plot.y:
        points = []
        for row in rows:
            try:
                points.append((expressions.evaluate(plot.x, [row]), expressions.evaluate(formula, [row])))
            except expressions.ExpressionError:
                continue
        xs, ys = (np.array(v, float) for v in zip(*points)) if points else (np.zeros(0), np.zeros(0))
        found.append((formula, xs, ys))
    return found


def hill(x, bottom, top, ec50, n):
    return bottom + (top - bottom) / (1.0 + (ec50 / np.maximum(x, 1e-12)) ** n)


def fitted(plot, points):
    """(curve xs, curve ys, words) of the plot's fit through its first series, or None."""
    _, xs, ys = points[0]
    if plot.fit is None or len(xs) < (2 if plot.fit == "line" else 4) or np.ptp(xs) == 0:
        return None
    grid = np.linspace(xs.min(), xs.max(), 200)
    if plot.fit == "line":
        slope, intercept = np.polyfit(xs, ys, 1)
        return grid, slope * grid + intercept, f"line: slope {slope:.3g}, intercept {intercept:.3g}"
    from scipy.optimize import curve_fit  # here: scipy's import costs the window's start half a second

    positive = xs[xs > 0]
    try:
        (bottom, top, ec50, n), _ = curve_fit(hill, xs, ys, p0=(ys.min(), ys.max(), float(np.median(positive)), 1.0),
                                              maxfev=20000)
    except (RuntimeError, ValueError):
        return None
    grid = np.geomspace(max(positive.min(), 1e-6), xs.max(), 200) if positive.size else grid
    return grid, hill(grid, bottom, top, ec50, n), f"Hill: EC50 {ec50:.3g}, n {n:.2g}, {bottom:.3g} → {top:.3g}"


def _ticks(low, high, count=5):
    if high <= low:
        low, high = low - 1.0, high + 1.0
    step = 10 ** math.floor(math.log10((high - low) / count))
    step *= next(m for m in (1, 2, 5, 10) if (high - low) / (step * m) <= count)
    first = math.ceil(low / step) * step
    return [first + k * step for k in range(int((high - first) / step + 1e-9) + 1)], step


def svg(plot, points, fit=None):
    """The plot as an SVG element: points per series (a legend names them), the fit as a line."""
    xs = np.concatenate([p[1] for p in points] + [np.zeros(0)])
    ys = np.concatenate([p[2] for p in points] + ([fit[1]] if fit else []) + [np.zeros(0)])
    left, right, top, bottom = MARGIN
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           f'font-family="sans-serif" font-size="12" role="img" aria-label="{html.escape(plot.title)}">',
           f'<text x="{WIDTH / 2}" y="16" text-anchor="middle" font-weight="bold">{html.escape(plot.title)}</text>']
    if not xs.size:
        out.append(f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">nothing recorded yet</text></svg>')
        return "".join(out)
    (x_ticks, _), (y_ticks, _) = _ticks(xs.min(), xs.max()), _ticks(ys.min(), ys.max())
    x0, x1, y0, y1 = min(x_ticks[0], xs.min()), max(x_ticks[-1], xs.max()), min(y_ticks[0], ys.min()), \
        max(y_ticks[-1], ys.max())

    def px(x):
        return left + (x - x0) / ((x1 - x0) or 1.0) * (WIDTH - left - right)

    def py(y):
        return HEIGHT - bottom - (y - y0) / ((y1 - y0) or 1.0) * (HEIGHT - top - bottom)

    out.append(f'<rect x="{left}" y="{top}" width="{WIDTH - left - right}" height="{HEIGHT - top - bottom}" '
               f'fill="none" stroke="#444"/>')
    for x in x_ticks:
        out.append(f'<text x="{px(x):.1f}" y="{HEIGHT - bottom + 16}" text-anchor="middle">{x:g}</text>')
    for y in y_ticks:
        out.append(f'<text x="{left - 6}" y="{py(y) + 4:.1f}" text-anchor="end">{y:g}</text>')
    out.append(f'<text x="{(left + WIDTH - right) / 2}" y="{HEIGHT - 8}" text-anchor="middle">'
               f'{html.escape(plot.x_label or plot.x)}</text>')
    out.append(f'<text transform="translate(14 {(top + HEIGHT - bottom) / 2}) rotate(-90)" text-anchor="middle">'
               f'{html.escape(plot.y_label)}</text>')
    if fit is not None:
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in zip(fit[0], fit[1]))
        out.append(f'<polyline points="{path}" fill="none" stroke="#666" stroke-dasharray="6 4"/>')
    for k, (name, sx, sy) in enumerate(points):
        colour = COLOURS[k % len(COLOURS)]
        out += [f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="4" fill="{colour}"/>' for x, y in zip(sx, sy)]
        out.append(f'<text x="{left + 8}" y="{top + 16 + 15 * k}" fill="{colour}">● {html.escape(name)}</text>')
    if fit is not None:
        out.append(f'<text x="{WIDTH - right - 8}" y="{top + 16}" text-anchor="end" fill="#444">'
                   f'{html.escape(fit[2])}</text>')
    out.append("</svg>")
    return "\n".join(out)

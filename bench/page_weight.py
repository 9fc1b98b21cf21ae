"""What one page adds on top of the shell, as Chromium transfers it.

For the timer (issue 3: at most 15 KB): its own script, its rules in
static/css/app.css (from the "/* Shared pieces" comment on, which only the
timer uses so far; gzipped as the server sends them), and its HTML. The
shell (htmx, shell.js, timer-state.js, alarm.js, the rest of app.css), loaded on
every page, is measured by bench/first_load.py.

    python bench/page_weight.py
"""

import gzip
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.first_load import measure_page  # noqa: E402

BUDGET_BYTES = 15 * 1024


def css_section_gzipped(marker):
    css = (ROOT / "static" / "css" / "app.css").read_text()
    section = css[css.index(marker) :]
    return len(gzip.compress(section.encode(), compresslevel=9))


def main():
    base, rows = measure_page("/en/timer")
    shell = ("timer-state.js",)  # loaded on every page: part of bench/first_load.py's figure
    own = {
        url.removeprefix(base).split("?")[0]: size
        for url, size in rows
        if "timer" in url and not url.split("?")[0].endswith(shell)
    }
    css = css_section_gzipped("/* Shared pieces")
    total = sum(own.values()) + css
    print("The timer page's own weight (transferred, gzip):")
    for url, size in own.items():
        print(f"  {size:>8,} B  {url}")
    print(f"  {css:>8,} B  timer rules of app.css (from 'Shared pieces' on)")
    verdict = "within" if total <= BUDGET_BYTES else "OVER"
    print(f"  total {total:,} B = {total / 1024:.1f} KB ({verdict} the {BUDGET_BYTES // 1024} KB budget)")
    script_and_styles = own.get("/static/js/timer.js", 0) + css
    print(f"  of which script and styles: {script_and_styles:,} B = {script_and_styles / 1024:.1f} KB")
    return 0 if total <= BUDGET_BYTES else 1


if __name__ == "__main__":
    sys.exit(main())

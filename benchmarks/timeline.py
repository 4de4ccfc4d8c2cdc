"""Timeline and heat matrix speed: Python build, static picture and draw time in Chromium.

For 1,000, 10,000 and 50,000 events on 40 theme lines (a tenth with from/to windows, a fifth
with a connector), times ``ib.timeline`` (events checked, HTML written), the static matplotlib
picture, and in Debian Chromium (headless, every non-local request aborted) the time from the
script's start to the first complete draw, from navigation to the first draw, and a redraw.
Then times ``ib.charts.heat_matrix`` on the sample force beside the aoristic helper alone.
Run: ``.venv/bin/python benchmarks/timeline.py`` (needs ``data_samples/`` for the second part).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np
import pandas as pd

import intelbench as ib

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]
ROOT = Path(__file__).resolve().parents[1]


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def events(n: int, lines: int = 40, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t = pd.to_datetime(pd.Timestamp("2025-01-01").value
                       + rng.integers(0, 365 * 86400, n) * 10**9)
    subj = rng.integers(0, lines, n)
    other = np.where(rng.random(n) < 0.2, (subj + 1 + rng.integers(0, lines - 1, n)) % lines, -1)
    end = t + pd.to_timedelta(np.where(rng.random(n) < 0.1, rng.integers(1, 72, n), 0), "h")
    kinds = np.array(["call", "meeting", "sighting", "offence", "arrest", "address"])
    return pd.DataFrame({"subject": [f"Subject {s:03d}" for s in subj], "time": t, "end": end,
                         "kind": kinds[rng.integers(0, len(kinds), n)],
                         "with": [f"Subject {o:03d}" if o >= 0 else "" for o in other],
                         "ref": [f"EV-{k:06d}" for k in range(n)]})


def browser_times(paths: list[Path]) -> list[dict[str, float]]:
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for path in paths:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            blocked: list[str] = []

            def route(r: Any, blocked: list[str] = blocked) -> None:
                url = urlparse(r.request.url)
                if url.scheme in ("file", "data", "blob", "about"):
                    r.continue_()
                else:
                    blocked.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            t0 = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_function("window.intelbenchTimeline && intelbenchTimeline.ready",
                                   timeout=120_000)
            ready = time.perf_counter() - t0
            s = page.evaluate("({first: intelbenchTimeline.firstRenderMs, page:"
                              " intelbenchTimeline.pageMs, drawn: intelbenchTimeline.drawnEvents})")
            redraw = page.evaluate(
                "(() => { const t = performance.now(); for (let i = 0; i < 5; i++)"
                " intelbenchTimeline.redraw(); return (performance.now() - t) / 5; })()")
            out.append({**s, "ready_s": ready, "redraw": redraw, "blocked": len(blocked)})
            page.close()
        browser.close()
    return out


def main() -> None:
    sizes = [1_000, 10_000, 50_000]
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for n in sizes:
            ev = events(n)
            tl, t_build = timed(lambda ev=ev, n=n: ib.timeline(ev, end="end", title=f"{n} events"))
            _, t_png = timed(tl.png)
            paths.append(tl.save(Path(tmp) / f"t{n}.html"))
            print(f"{n:>6} events: ib.timeline {t_build:.2f} s, HTML "
                  f"{len(tl.html.encode()) / 1e6:.2f} MB, static PNG {t_png:.2f} s")
        for n, s in zip(sizes, browser_times(paths), strict=True):
            print(f"{n:>6} events in Chromium: script start to first draw {s['first']:.0f} ms, "
                  f"navigation to first draw {s['page']:.0f} ms, open to ready "
                  f"{s['ready_s']:.2f} s, redraw {s['redraw']:.0f} ms, drawn {s['drawn']}, "
                  f"non-local requests {s['blocked']}")
    data = ROOT / "data_samples"
    if not (data / ".complete").exists():
        print("data_samples/ missing: heat matrix part skipped (run `make data`)")
        return
    import geopandas as gpd

    areas = gpd.read_file(data / "areas.gpkg", layer="areas")[["area_code", "sector"]]
    ext = pd.read_csv(data / "burglary_extract.csv", dtype=str, keep_default_na=False,
                      na_values=[""]).merge(areas, on="area_code", how="left")
    _, t_helper = timed(lambda: ib.geo.aoristic(ext))
    hm, t_hm = timed(lambda: ib.charts.heat_matrix(ext))
    print(f"burglary extract ({len(ext)} rows): aoristic helper {t_helper:.2f} s; heat_matrix "
          f"{t_hm:.2f} s ({len(hm.groups)} offence x sector x month combinations)")
    crimes = pd.read_csv(data / "crime_events.csv").merge(areas, on="area_code", how="left")
    _, t_helper = timed(lambda: ib.geo.aoristic(crimes, start="datetime", end=None))
    hm, t_hm = timed(lambda: ib.charts.heat_matrix(crimes, start="datetime", end=None))
    print(f"crime events ({len(crimes)} rows): aoristic helper {t_helper:.2f} s; heat_matrix "
          f"{t_hm:.2f} s ({len(hm.groups)} combinations)")


if __name__ == "__main__":
    main()

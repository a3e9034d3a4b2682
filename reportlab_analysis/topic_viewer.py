"""Offline interactive topic viewer: pyLDAvis with its JavaScript and CSS inlined.

pyLDAvis's own ``save_html`` loads d3 and LDAvis from a CDN, so the page is blank without network. Here the
visualisation data comes from ``pyLDAvis.prepare`` and the page inlines the d3 and LDAvis files that ship inside
the installed pyLDAvis package: one self-contained HTML file that opens anywhere, offline.

Topics are numbered from 0, as in :mod:`reportlab_analysis.topics`.

Example:
    >>> from reportlab_analysis.topic_viewer import save_viewer
    >>> save_viewer(model, "reports/topics_viewer.html")     # doctest: +SKIP
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from .topics import TopicModel, TopicModelError

__all__ = ["prepare_viewer_data", "viewer_html", "save_viewer", "find_chromium", "render_check"]

_VIS_ID = "topic-viewer"


def prepare_viewer_data(model: TopicModel, *, n_terms: int = 30, lambda_step: float = 0.01):
    """pyLDAvis ``PreparedData`` for a fitted model (single process, topics kept in model order, numbered from 0).

    Example:
        >>> data = prepare_viewer_data(model)     # doctest: +SKIP
    """
    import pyLDAvis

    valid = ~np.isnan(model.theta[:, 0]) & (model.documents["n_tokens"].to_numpy() > 0)
    if not valid.any():
        raise TopicModelError("prepare_viewer_data: no document keeps any term")
    return pyLDAvis.prepare(
        topic_term_dists=model.topic_word, doc_topic_dists=model.theta[valid],
        doc_lengths=model.documents["n_tokens"].to_numpy()[valid], vocab=model.vocabulary,
        term_frequency=model.term_frequency, R=int(n_terms), lambda_step=float(lambda_step), mds="pcoa", n_jobs=1,
        sort_topics=False, start_index=0)


def _package_asset(name: str) -> str:
    import pyLDAvis.urls as urls

    path = Path(getattr(urls, name))
    if not path.is_file():
        raise TopicModelError(f"pyLDAvis asset {path} is missing from the installed package; reinstall pyLDAvis")
    return path.read_text(encoding="utf-8")


def _inline_script(source: str) -> str:
    # A literal "</script" inside inlined JavaScript would end the element early.
    return source.replace("</script", "<\\/script")


def viewer_html(model: TopicModel, *, title: str = "主题模型浏览器", n_terms: int = 30) -> str:
    """The self-contained HTML page of the viewer (no external script, stylesheet or font: the CJK characters it
    shows are embedded as a font subset).

    Example:
        >>> "<script src" in viewer_html(model)     # doctest: +SKIP
        False
    """
    data = prepare_viewer_data(model, n_terms=n_terms)
    payload = json.loads(data.to_json())
    vis_json = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    legend = "".join(f"<li>{html.escape(label)}</li>" for label in model.labels)
    from .plotting import WEBFONT_FAMILY, cjk_webfont_css

    # The page embeds the CJK characters it shows (labels, terms) as a font subset, like the notebook pages, so
    # that a reader without a Chinese system font sees Chinese, not boxes; the SVG text of the chart uses it too.
    fonts = f"'{WEBFONT_FAMILY}','Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei','PingFang SC',sans-serif"
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        cjk_webfont_css(title + legend + vis_json).strip(),
        f"<style>{_package_asset('LDAVIS_CSS_LOCAL')}\n"
        f"body,svg text{{font-family:{fonts} !important}}body{{margin:1em}}"
        "ul.topic-labels{columns:3;font-size:13px}</style>",
        f"<script>{_inline_script(_package_asset('D3_LOCAL'))}</script>",
        f"<script>{_inline_script(_package_asset('LDAVIS_LOCAL'))}</script>",
        "</head><body>",
        f"<h2>{html.escape(title)}</h2>",
        f"<p>K = {model.k}; seed = {model.params.get('seed')}; {len(model.documents)} documents; "
        f"{len(model.dictionary)} terms. Topics are numbered from 0. Circles: topics (area = share of tokens, "
        "distance = difference of word distributions); bars: top terms, re-ranked by the relevance slider λ.</p>",
        f'<ul class="topic-labels">{legend}</ul>',
        f'<div id="{_VIS_ID}" style="background-color:white;"></div>',
        f'<script>new LDAvis("#{_VIS_ID}", {_inline_script(vis_json)});</script>',
        "</body></html>",
        "",
    ])


def save_viewer(model: TopicModel, path: str | os.PathLike, *, title: str = "主题模型浏览器",
                n_terms: int = 30) -> Path:
    """Write the offline viewer to ``path`` (atomically) and return the path.

    Example:
        >>> save_viewer(model, "reports/02_topics_viewer.html")     # doctest: +SKIP
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = viewer_html(model, title=title, n_terms=n_terms)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return path


def _fontconfig_with_cjk(directory: str) -> dict[str, str]:
    """Environment for Chromium whose fontconfig also sees the bundled Noto Sans CJK font (the machine may
    have no CJK system font; a researcher's own browser will)."""
    import importlib.util

    env = dict(os.environ)
    spec = importlib.util.find_spec("manimgx_fonts_cjk")
    if spec is None or not spec.submodule_search_locations:
        return env
    font_dir = list(spec.submodule_search_locations)[0]
    conf = Path(directory) / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
                    f"<dir>{html.escape(font_dir)}</dir><cachedir>{html.escape(directory)}/cache</cachedir>"
                    "</fontconfig>", encoding="utf-8")
    env["FONTCONFIG_FILE"] = str(conf)
    return env


def find_chromium() -> str | None:
    """Path of a Chromium/Chrome executable, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def render_check(path: str | os.PathLike, *, screenshot: str | os.PathLike | None = None,
                 timeout: float = 60.0) -> dict[str, int]:
    """Open the viewer in headless Chromium (network disabled) and count what it drew.

    Returns:
        ``{"svg": ..., "circles": ..., "bars": ...}`` counted in the rendered DOM; ``circles`` should be at
        least the number of topics.

    Raises:
        TopicModelError: no Chromium is installed or it failed.

    Example:
        >>> render_check("reports/02_topics_viewer.html")["circles"] >= model.k    # doctest: +SKIP
        True
    """
    browser = find_chromium()
    if browser is None:
        raise TopicModelError("render_check: no chromium executable found (apt-get install chromium)")
    url = Path(path).resolve().as_uri()
    base = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--virtual-time-budget=5000"]
    with tempfile.TemporaryDirectory() as profile:
        common = [*base, f"--user-data-dir={profile}"]
        env = _fontconfig_with_cjk(profile)
        result = subprocess.run([*common, "--dump-dom", url], capture_output=True, text=True, timeout=timeout,
                                env=env)
        if result.returncode != 0:
            raise TopicModelError(f"render_check: chromium failed on {path}: {result.stderr[-500:]}")
        if screenshot is not None:
            subprocess.run([*common, f"--screenshot={Path(screenshot).resolve()}", "--window-size=1300,900", url],
                           capture_output=True, text=True, timeout=timeout, check=False, env=env)
    dom = result.stdout
    return {"svg": dom.count("<svg"), "circles": dom.count("<circle"), "bars": dom.count('class="bar-totals"')}

"""The documentation site builds with warnings as errors, and its pages render in headless Chromium:
the API page shows ``solve`` with its signature, a tutorial page shows its figures."""
import contextlib
import fcntl
import functools
import inspect
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag

import pytest
from browser import chromium

import deterrence as dt

ROOT = Path(__file__).resolve().parent.parent

# One worker under pytest-xdist (`--dist loadgroup`), to pay for the site once. Not relied on:
# pytest 9.2 with pytest-xdist 3.8 no longer groups (pytest-xdist issue 1386, mended in conftest.py;
# the group's tests ran on both workers, whose two builds raced in the source tree's
# docs/api/generated and left autosummary stubs out). The fixture below builds once per run, under a
# lock, whatever the grouping.
pytestmark = pytest.mark.xdist_group("docs")


@contextlib.contextmanager
def _lock(path):
    """An exclusive lock on *path* held across processes (the workers of one pytest-xdist run)."""
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The site, built once per test run with the README's command (into a temporary folder).

    The build writes into the source tree (docs/tutorials, docs/api/generated), so two builds at
    once race: under pytest-xdist the workers share one build folder and one lock, and the first
    to take the lock builds; the others wait for it and read its result (a failure included)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent                  # pytest-xdist: the run's folder, above each worker's
    out, verdict = base / "docs-html", base / "docs-html.verdict"
    with _lock(base / "docs-html.lock"):
        if not verdict.exists():
            env = dict(os.environ,
                       PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
            done = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html",
                                   str(ROOT / "docs"), str(out)], capture_output=True, text=True, env=env,
                                  cwd=ROOT, check=False)
            # the warnings first, each whole (the tail of a failed build's output is mostly kernel
            # chatter and image copying: a CI failure showed "stub file not found" but not the cause)
            warnings = [line for line in (done.stdout + done.stderr).splitlines()
                        if ("WARNING" in line or "ERROR" in line or "Traceback" in line)
                        and "IPKernelApp" not in line]
            failure = "" if done.returncode == 0 else (
                "\n".join(warnings) + "\n" + done.stdout[-3000:] + done.stderr[-3000:])
            verdict.write_text(failure)
    failure = verdict.read_text()
    assert not failure, failure
    return out


def test_the_readme_gives_the_docs_command():
    assert "sphinx-build -W --keep-going -b html docs docs/_build/html" in (ROOT / "README.md").read_text()


def test_the_readme_gives_the_command_ci_runs():
    """README's test command is the one `.ci/run` runs, word for word."""
    ci_run = (ROOT / ".ci" / "run").read_text().splitlines()
    (command,) = [line for line in ci_run if "python -m pytest" in line]
    assert command.startswith("python3 -m venv .venv && ") and " -n auto " in command
    assert command in (ROOT / "README.md").read_text().splitlines()
    # and the Debian packages it installs (the browser, the lrsnash oracle)
    (apt,) = [line.strip() for line in ci_run if "apt-get install" in line]
    packages = apt.split("apt-get install -y -qq ")[1].split(" >")[0]
    assert f"apt-get install -y {packages}" in (ROOT / "README.md").read_text()


def test_api_page_of_solve_renders(site, tmp_path):
    page = site / "api" / "generated" / "deterrence.solvers.html"
    assert page.exists()
    with chromium() as browser:
        browser.get(page.as_uri())
        entry = browser.find_element("id", "deterrence.solvers.solve")     # the signature line
        text = entry.text
        assert text.startswith("solve(")
        # every parameter of the real function appears in the rendered signature
        for name in inspect.signature(dt.solve).parameters:
            assert name in text, (name, text)
        body = browser.find_element("tag name", "body").text
        assert "every" in body.lower() and "equilibri" in body.lower()
        browser.save_screenshot(str(tmp_path / "api.png"))
    assert (tmp_path / "api.png").stat().st_size > 10_000


# Where the lines of some elements' texts break, as (the character before the break, the one after,
# the text), from the rendered boxes of their characters (a heading's "#" link left out).
_LINE_BREAKS = """
const breaks = [];
for (const element of arguments[0]) {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT,
    {acceptNode: t => t.parentElement.closest('.headerlink') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
  let last = null, previous = null;
  while (walker.nextNode()) {
    const text = walker.currentNode;
    for (let k = 0; k < text.data.length; k++) {
      const range = document.createRange();
      range.setStart(text, k);
      range.setEnd(text, k + 1);
      const box = range.getClientRects()[0];
      if (box && box.width > 0) {               // not a space collapsed at a line's end
        if (last && box.top > last.top + last.height / 2)
          breaks.push([previous, text.data[k], element.textContent.trim()]);
        last = {top: box.top, height: box.height};
      }
      previous = text.data[k];
    }
  }
}
return breaks;
"""


def _extents(browser, selector, container):
    """``[(text, scrollWidth, clientWidth, right edge of its rendered lines, container's right
    edge)]`` for the visible elements matching ``selector`` (pixels)."""
    return [tuple(row) for row in browser.execute_script(
        "const edge = document.querySelector(arguments[1]).getBoundingClientRect().right;"
        "return Array.from(document.querySelectorAll(arguments[0])).filter(e => e.offsetParent)"
        ".map(e => [e.textContent.trim(), e.scrollWidth, e.clientWidth, Math.max(...Array.from("
        "  e.getClientRects()).concat(...Array.from(e.querySelectorAll('code')).map("
        "  c => Array.from(c.getClientRects()))).map(r => r.right)), edge]);", selector, container)]


def test_long_module_names_wrap_at_their_dots(site):
    """A module's name is one long dotted word: the left sidebar cut it off at its edge (in code
    font, on the explanation pages) or broke it inside a word ("tree.s" / "equence_enumeration"),
    and so did the page titles. Now the sidebar's links and the title fit their boxes and break
    after a dot only (or at a space, in prose), and the title does wrap there
    (docs/_static/dotted_names.js, titles.css)."""
    pages = [site / "api" / "generated" / "deterrence.solvers.tree.sequence_enumeration.html",
             site / "explanation" / "game-trees" / "sequence_branching.html",
             site / "explanation" / "game-trees" / "backward_induction.html"]
    with chromium() as browser:
        for page in pages:
            browser.get(page.as_uri())
            widths = browser.execute_script(
                "const h = document.querySelector('main h1'); return [h.scrollWidth, h.clientWidth];")
            assert widths[0] <= widths[1], (page.name, widths)
            sidebar = _extents(browser, ".bd-sidebar-primary a", ".bd-sidebar-primary")
            overflowing = [(text, scroll, client) for text, scroll, client, right, edge in sidebar
                           if scroll > client or right > edge]
            assert overflowing == [], (page.name, overflowing)
            # the footer's links to the previous and next pages (cut off at the column's edge;
            # their code boxes' padding makes scrollWidth exceed clientWidth by a pixel or two)
            footer = [(text, right, edge) for text, _, _, right, edge
                      in _extents(browser, ".prev-next-title", ".bd-article-container") if right > edge + 1]
            assert footer == [], (page.name, footer)
            links = browser.execute_script(
                "return Array.from(document.querySelectorAll('.bd-sidebar-primary a, .prev-next-title'))"
                ".filter(a => a.offsetParent);")
            title = browser.execute_script(_LINE_BREAKS, [browser.find_element("css selector", "main h1")])
            inside_words = [(before, after, text) for before, after, text
                            in title + browser.execute_script(_LINE_BREAKS, links)
                            if before != "." and not before.isspace() and not after.isspace()]
            assert inside_words == [], (page.name, inside_words)
            assert [before for before, _, _ in title] == ["."], (page.name, title)     # it does wrap, once


class _Links(HTMLParser):
    """A page's ids, its "[docs]" links (sphinx.ext.viewcode's ``a.viewcode-back``, on the source
    view) and its "[source]" links (an ``a`` around a ``span.viewcode-link``, on the docs)."""

    def __init__(self):
        super().__init__()
        self.ids, self.docs, self.source, self._href = set(), [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a":
            self._href = attrs.get("href")
            if "viewcode-back" in classes:
                self.docs.append(self._href)
        if tag == "span" and "viewcode-link" in classes and self._href:
            self.source.append(self._href)

    def handle_endtag(self, tag):
        if tag == "a":
            self._href = None


@functools.lru_cache(maxsize=None)
def _parsed(page):
    """The links of ``page`` (a built page, unchanged during the run: each is parsed once, where
    the source view's check parsed 597 times 359 pages)."""
    links = _Links()
    links.feed(page.read_text())
    return links


def _unresolved(site, links):
    """Those of the links (page, href) whose file or ``#id`` does not exist."""
    ids, broken = {}, []
    for page, href in links:
        url, fragment = urldefrag(href)
        target = (page.parent / url).resolve()
        if target not in ids:
            ids[target] = _parsed(target).ids if target.is_file() else set()
        if fragment not in ids[target]:
            broken.append((str(page.relative_to(site)), href))
    return broken


def test_source_view_links_land_on_their_objects(site):
    """Every "[docs]" link of the source view (sphinx.ext.viewcode, _modules/...html) leads to
    its object's entry: five led to ids that the API page's front door does not have (its
    entries are ``:no-index:``), so they landed at the top of that page (docs/conf.py gives
    these links back to the modules' pages). And every "[source]" link leads to its code."""
    modules = sorted((site / "_modules").rglob("*.html"))
    docs = [(page, href) for page in modules for href in _parsed(page).docs]
    # every module's source page links back to its documentation, but the list of them
    assert len({page for page, _ in docs}) == len(modules) - 1
    assert _unresolved(site, docs) == [], len(docs)
    pages = sorted(p for p in site.rglob("*.html") if "_modules" not in p.relative_to(site).parts)
    source = [(page, href) for page in pages for href in _parsed(page).source]
    assert len(source) >= len(docs)     # the front door's five too
    assert _unresolved(site, source) == [], len(source)


def test_tutorial_page_renders_its_figures(site, tmp_path):
    page = site / "tutorials" / "04_shadow_of_the_future.html"
    assert page.exists()
    with chromium() as browser:
        browser.get(page.as_uri())
        assert "Learning goals" in browser.find_element("tag name", "body").text
        widths = browser.execute_script(
            "return Array.from(document.querySelectorAll('main img')).map(i => i.complete ? i.naturalWidth : 0);")
        # the notebook's three figures, each loaded (a broken image has natural width 0)
        assert len(widths) >= 3 and all(w > 100 for w in widths), widths
        browser.save_screenshot(str(tmp_path / "tutorial.png"))
    assert (tmp_path / "tutorial.png").stat().st_size > 10_000


def _typeset(browser):
    """Wait until MathJax has typeset the page and its fonts have loaded (at most 30 s); a page
    that does not load MathJax is not waited for."""
    browser.set_script_timeout(30)
    browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "if (!document.querySelector('script[src*=\"mathjax\"]')) { done(false); return; }"
        "const wait = () => window.MathJax && MathJax.startup && MathJax.startup.promise"
        "  ? MathJax.startup.promise.then(() => document.fonts.ready).then(() => done(true))"
        "  : setTimeout(wait, 50);"
        "wait();")


def test_formulas_are_typeset_without_a_network(site):
    """The site carries its own MathJax (docs/conf.py, from django-static-mathjax), so a page's
    formulas are typeset when it is opened from disk with no network, as in a classroom offline
    (with the CDN's script, which CI cannot reach either, they stayed raw TeX such as \\(\\lambda\\)):
    the notebooks' Markdown formulas (tutorial 10) and those in a notebook's HTML output, the
    deterrence report's (tutorial 7, a page without Markdown math, where MathJax was not loaded
    at all and the report showed "militia misfires \\(\\frac{1}{1600}\\) per strike")."""
    assert (site / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").is_dir()
    assert "Apache License" in (site / "_static" / "mathjax" / "LICENSE").read_text()
    pages = {"10_the_canon": "main .math", "07_report_and_maps": "main .text_html"}
    with chromium() as browser:
        for name, blocks in pages.items():
            page = site / "tutorials" / f"{name}.html"
            assert 'src="../_static/mathjax/tex-mml-chtml.js"' in page.read_text(), name
            browser.get(page.as_uri())
            _typeset(browser)
            typeset = browser.execute_script(f"return document.querySelectorAll('{blocks} mjx-container').length;")
            raw = browser.execute_script(
                f"return Array.from(document.querySelectorAll('{blocks}')).map(m => m.textContent)"
                ".filter(t => t.includes('\\\\(') || t.includes('\\\\frac'));")
            # the fonts of the formulas loaded from _static (a missing font leaves boxes)
            fonts = browser.execute_script(
                "return Array.from(document.fonts).filter(f => f.family.includes('MJX') && "
                "f.status === 'loaded').length;")
            assert typeset > 20 and raw == [], (name, typeset, [t[:80] for t in raw[:3]])
            assert fonts > 0, name


def test_display_formulas_fit_the_column(site):
    """No displayed formula of a tutorial is wider than the text column (tutorial 6's regimes,
    four conjunctions on one line each, ran to 729 px in a 613 px column, each with its own
    scroll bar; they now take one clause a line)."""
    with chromium() as browser:
        wide = {}
        for page in sorted((site / "tutorials").glob("[0-9]*.html")):
            browser.get(page.as_uri())
            _typeset(browser)
            too_wide = browser.execute_script(
                "return Array.from(document.querySelectorAll('main mjx-container[display=\"true\"]'))"
                ".filter(m => m.scrollWidth > m.clientWidth + 1).map(m => m.textContent.slice(0, 40));")
            if too_wide:
                wide[page.stem] = too_wide
    assert wide == {}


def test_a_shrunk_figure_opens_at_full_size(site):
    """A figure wider than the text column (tutorial 6's three-panel map, 1,611 px drawn in about
    613) is a link to its image file, so a click shows its labels at full size; a figure that
    fits is not (docs/_static/zoom.js)."""
    page = site / "tutorials" / "06_proxies.html"
    # the built page has its figures (a build without them fails here, not in the browser)
    assert page.read_text().count('<img alt="../_images/') >= 3
    with chromium() as browser:
        browser.get(page.as_uri())
        browser.set_script_timeout(30)
        images = browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "const imgs = Array.from(document.querySelectorAll('main .cell_output img'));"
            "Promise.all(imgs.map(i => i.complete ? 0 : new Promise(r => i.addEventListener('load', r))))"
            ".then(() => setTimeout(() => done(imgs.map(i => [i.naturalWidth, i.clientWidth,"
            " i.closest('a.figure-zoom') ? i.closest('a').href : null, i.src])), 100));")
        seen = browser.current_url, browser.title
    shrunk = [(href, src) for natural, shown, href, src in images if natural > 1.1 * shown]
    fitting = [href for natural, shown, href, _ in images if natural <= 1.1 * shown]
    assert shrunk and all(href == src for href, src in shrunk), (images, seen)
    assert all(href is None for href in fitting), images


def test_every_notebook_is_a_tutorial_page(site):
    for source in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")):
        assert (site / "tutorials" / f"{source.stem}.html").exists(), source.name


HOWTOS = sorted(p for p in (ROOT / "docs" / "howto").glob("*.md") if "```python" in p.read_text())


@pytest.mark.parametrize("page", HOWTOS, ids=[p.stem for p in HOWTOS])
def test_howto_code_runs_as_written(page, tmp_path):
    """Each how-to's Python, saved as one script (its TOML saved under the name the script loads),
    runs in a fresh interpreter: the guides stay short *and* runnable."""
    import re

    text = page.read_text()
    blocks = re.findall(r"```(\w+)\n(.*?)```", text, re.S)
    tomls = [body for lang, body in blocks if lang == "toml"]
    if tomls:          # the first is the file the script loads (a later one is a fragment of it)
        name = re.search(r'load_game\("([\w.]+\.toml)"\)', text).group(1)
        (tmp_path / name).write_text(tomls[0])
    script = tmp_path / "howto.py"
    script.write_text("\n".join(body for lang, body in blocks if lang == "python"))
    env = dict(os.environ, MPLBACKEND="Agg",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip(), "a how-to that shows nothing"


def test_the_automaton_in_write_a_game_runs(tmp_path, capsys):
    """write-a-game.md's automaton fragment, put in place of the example's [repeated] section, is
    read and analysed (the automaton docstring and the how-to had shown two ways that clashed)."""
    import json
    import re

    from deterrence.cli import main
    tomls = re.findall(r"```toml\n(.*?)```", (ROOT / "docs" / "howto" / "write-a-game.md").read_text(), re.S)
    game, fragment = tomls[0], tomls[1]
    path = tmp_path / "mine.toml"
    path.write_text(game[:game.index("[repeated]")] + fragment)
    assert main(["repeated", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["strategies"] == ["my_tft", "grim_trigger"]


# (command, keys every run prints, keys printed only when they apply)
JSON_COMMANDS = [
    (["solve", "chicken"], {"method", "concept", "exact", "complete", "players", "equilibria", "actions",
                            "cliques", "components"}, {"parameters", "options", "notes"}),
    (["solve", "entry_deterrence"], {"method", "concept", "exact", "complete", "players", "equilibria",
                                     "credibility", "no_proper_subgame"}, {"parameters", "options", "notes"}),
    (["solve", "kuhn_poker", "-m", "sequence_form"], {"method", "concept", "exact", "complete", "players",
                                                      "equilibria", "kind", "cliques", "components"},
     {"parameters", "options", "notes"}),
    (["solve", "beer_quiche", "-m", "signalling_pbe"], {"method", "concept", "exact", "complete", "players",
                                                        "equilibria"}, {"parameters", "options", "notes"}),
    (["solve", "chicken", "-m", "correlated"], {"method", "concept", "exact", "complete", "players", "equilibria",
                                                "actions", "objective"}, {"value", "parameters", "options", "notes"}),
    (["solve", "stochastic_prisoners_dilemma"], {"method", "concept", "exact", "complete", "players", "equilibria",
                                                 "actions", "states", "pure_complete"},
     {"parameters", "options", "notes"}),
    (["repeated", "us_iran_stage"], {"players", "strategies", "delta", "horizon", "noise", "payoffs",
                                     "subgame_perfect", "nash", "deviations", "critical_delta",
                                     "critical_delta_float", "critical_delta_formula", "critical_attained",
                                     "delta_set", "subgame_perfect_under_noise", "deviations_under_noise",
                                     "within", "war_profiles", "war_probability", "war_probability_float",
                                     "expected_rounds_to_war", "expected_rounds_to_war_float",
                                     "long_run_payoffs"}, {"notes"}),
    (["repeated", "prisoners_dilemma", "--delta", "3/4", "--horizon", "5"],
     {"players", "strategies", "delta", "horizon", "noise", "payoffs", "subgame_perfect", "deviations",
      "critical_delta"}, {"notes"}),
    (["fit", "crisis_resolve", "--model", "strategic_probit"], {"model", "game", "data", "estimates",
                                                                "standard_errors", "log_likelihood",
                                                                "n_observations", "converged"}, set()),
    (["solve", "chicken", "-m", "pure"], {"method", "concept", "exact", "complete", "players", "equilibria",
                                          "actions"}, {"parameters", "options", "notes"}),
    (["solve", "entry_deterrence", "-m", "tree_nash"], {"method", "concept", "exact", "complete", "players",
                                                        "equilibria", "actions", "cliques", "components"},
     {"parameters", "options", "notes"}),
    (["solve", "irrational_three_player"], {"method", "concept", "exact", "complete", "players", "equilibria",
                                            "actions", "continua"}, {"parameters", "options", "notes"}),
    (["solve", "irrational_three_player", "-m", "nplayer_logit"], {"method", "concept", "exact", "complete",
                                                                   "players", "equilibria", "actions", "continua"},
     {"parameters", "options", "notes"}),
    (["solve", "kuhn_poker", "-m", "sequence_lcp"], {"method", "concept", "exact", "complete", "players",
                                                     "equilibria", "kind"}, {"parameters", "options", "notes"}),
    (["solve", "entry_deterrence", "-m", "quasi_perfect"], {"method", "concept", "exact", "complete", "players",
                                                            "equilibria", "kind"}, {"parameters", "options", "notes"}),
    (["solve", "beer_quiche", "-m", "sequential"], {"method", "concept", "exact", "complete", "players",
                                                    "equilibria", "kind"}, {"parameters", "options", "notes"}),
    (["solve", "entry_deterrence", "-m", "agent_qre"], {"method", "concept", "exact", "complete", "players",
                                                        "equilibria"}, {"parameters", "options", "notes"}),
    (["dynamics", "chicken"], {"rule", "kind", "players", "actions", "times", "states", "notes"}, set()),
    (["dynamics", "chicken", "--rule", "best_response"], {"rule", "path", "converged", "notes"}, set()),
    (["dynamics", "prisoners_dilemma", "--rule", "moran", "--intensity", "1/10"],
     {"rule", "population", "mutant", "resident", "intensity", "fixation_probability", "neutral", "run", "fixed",
      "notes"}, set()),
    (["show", "chicken"], {"format", "version", "title", "description", "sources", "players", "parameters",
                           "claims", "actions", "profiles", "payoffs", "extra"}, set()),
    (["show", "entry_deterrence"], {"format", "version", "title", "description", "sources", "players",
                                    "parameters", "claims", "tree"}, set()),
]


@pytest.mark.parametrize("argv, required, optional", JSON_COMMANDS, ids=lambda v: " ".join(v) if
                         isinstance(v, list) else None)
def test_the_json_page_names_every_key_each_command_prints(argv, required, optional, capsys):
    """docs/howto/json-output.md lists each command's keys (an analyst found no page that did):
    the command prints the required keys and no key the page leaves out."""
    import json

    from deterrence.cli import main
    page = (ROOT / "docs" / "howto" / "json-output.md").read_text()
    assert main([*argv, "--json"]) == 0
    printed = set(json.loads(capsys.readouterr().out))
    assert required <= printed <= required | optional, printed ^ required
    assert all(f"`{key}`" in page for key in required | optional)


def test_report_takes_json_as_the_other_commands_do(capsys):
    import json

    from deterrence.cli import main
    assert main(["report", "chicken", "--json"]) == 0
    via_json = json.loads(capsys.readouterr().out)
    assert main(["report", "chicken", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == via_json
    assert set(via_json) == {"title", "summary", "equilibria", "margins", "red_lines"}
    page = (ROOT / "docs" / "howto" / "json-output.md").read_text()
    assert all(f"`{key}`" in page for key in via_json)


def test_the_glossary_page_is_the_reports_glossary(site):
    """docs/glossary.md is written from the report's GLOSSARY before each build (the words had
    no page: an IR review), every word with its one definition."""
    import html
    from deterrence.models.us_iran_exchange_report import GLOSSARY
    page = html.unescape(re.sub(r"<[^>]+>", " ", (site / "glossary.html").read_text()))   # <dt>word</dt><dd>
    # Sphinx's smart quotes curl the apostrophes and quotation marks of the text
    curled = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2026": "...", "\u2013": "--"}
    page = " ".join(page.translate(str.maketrans(curled)).split())
    for word, meaning in GLOSSARY.items():
        assert f"{word} {meaning[0].upper()}{meaning[1:]}." in page, word
    assert "glossary.html" in (site / "index.html").read_text()


def test_the_autodoc_flags_say_what_they_do():
    """Sphinx reads any value of a flag in ``autodoc_default_options`` as "on" (its flag options
    ignore their argument): ``"undoc-members": False`` listed every member without a docstring, 559
    empty entries on 49 API pages, while docs/conf.py said they were left out. A flag is off only
    by its absence, so no flag may be written False."""
    import ast

    tree = ast.parse((ROOT / "docs" / "conf.py").read_text())
    (options,) = [ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)
                  and any(getattr(t, "id", None) == "autodoc_default_options" for t in node.targets)]
    assert [name for name, value in options.items() if value is False] == []
    assert options.get("undoc-members") is True       # what the site shows: the members listed


def _empty_entries(page):
    """The Python entries of an API page (``dl.py``) whose description is empty, by their ids."""
    html = page.read_text()
    return re.findall(r'<dt class="sig sig-object py" id="([\w.]+)">(?:(?!</dt>).)*</dt>\s*<dd>\s*</dd>', html, re.S)


def test_the_reports_methods_say_what_they_do(site):
    """The methods a student calls on a report, and the generic sections a model is handed, had no
    docstring: their API entries were empty (a review of the site)."""
    report = _empty_entries(site / "api" / "generated" / "deterrence.core.report.html")
    explain = _empty_entries(site / "api" / "generated" / "deterrence.analysis.explain.html")
    assert not [e for e in report if e.startswith("deterrence.core.report.DeterrenceReport.")
                and e.rsplit(".", 1)[1] in ("section", "to_text", "to_markdown")], report
    assert not [e for e in explain if e.startswith("deterrence.analysis.explain.GenericSections.")], explain



def test_the_empty_entry_check_sees_one(tmp_path):
    """``_empty_entries`` finds an entry with nothing under its signature, and only that one."""
    page = tmp_path / "page.html"
    page.write_text('<dl class="py method">\n<dt class="sig sig-object py" id="m.C.empty">\n'
                    '<span class="pre">empty</span>()</dt>\n<dd></dd></dl>\n'
                    '<dl class="py method">\n<dt class="sig sig-object py" id="m.C.full">\n'
                    '<span class="pre">full</span>()</dt>\n<dd><p>Says what it does.</p>\n</dd></dl>')
    assert _empty_entries(page) == ["m.C.empty"]


def test_no_api_entry_is_empty(site):
    """A review of the site counted 566 empty entries on the API pages: 427 a dataclass's fields
    (``Section.key``, under a class whose signature shows them), the others methods such as
    ``to_json`` and properties such as ``title``. A field that the class's signature shows and that
    has no description of its own has no entry now (docs/conf.py, ``_fields_without_entries``);
    class constants, methods and properties keep theirs, each with a docstring. A new public member
    without one fails here."""
    empty = {ident for page in sorted((site / "api" / "generated").glob("*.html")) for ident in _empty_entries(page)}
    assert sorted(empty) == [], "API entries without a description: give them a docstring"


def test_a_field_is_not_repeated_under_its_class(site):
    """A dataclass's field that the class's signature shows, with no description of its own, has no
    entry of its own (neither on its page nor in the general index); a class constant and a
    method keep theirs; the field stays in the class's signature."""
    import html
    report = (site / "api" / "generated" / "deterrence.core.report.html").read_text()
    assert 'id="deterrence.core.report.Section"' in report
    assert 'id="deterrence.core.report.Section.key"' not in report
    assert 'id="deterrence.core.report.DeterrenceReport.to_json"' in report
    signature = html.unescape(re.sub(r"<[^>]+>", "", report.split('id="deterrence.core.report.Section"')[1]
                                     .split("</dt>")[0]))
    assert "key: str" in signature and "title: str" in signature, signature
    assert "report.Section.key" not in (site / "genindex.html").read_text()
    # a default that Sphinx cuts at its comma (``players: tuple = ('Row', 'Column')``) is still read
    payoff_set = (site / "api" / "generated" / "deterrence.solvers.repeated.payoff_set.html").read_text()
    assert 'id="deterrence.solvers.repeated.payoff_set.PayoffSetResult.players"' not in payoff_set
    # a class constant is not a parameter: it keeps its entry, with its description
    exchange = (site / "api" / "generated" / "deterrence.models.us_iran_exchange.html").read_text()
    assert "deterrence.models.us_iran_exchange.ExchangeModel.REGIMES" not in _empty_entries(
        site / "api" / "generated" / "deterrence.models.us_iran_exchange.html")
    assert 'id="deterrence.models.us_iran_exchange.ExchangeModel.REGIMES"' in exchange


def test_pages_log_no_error_in_the_browsers_console(site):
    """A review of the site: every page logged "Got invalid theme mode: . Resetting to auto." as an
    error in the browser's console (the theme read an empty mode; docs/conf.py now gives it one).
    A page of each kind, opened from disk, logs no error."""
    pages = ["index.html", "glossary.html", "tutorials/04_shadow_of_the_future.html",
             "howto/lab.html", "explanation/methods.html", "api/generated/deterrence.core.report.html"]
    with chromium() as browser:
        errors = {}
        for name in pages:
            browser.get((site / name).as_uri())
            _typeset(browser)
            severe = [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
            if severe:
                errors[name] = severe
    assert errors == {}


def test_an_outputs_headings_are_smaller_than_the_tutorials(site):
    """The deterrence report's HTML in tutorial 7 has headings of its own (``<h3>`` title, ``<h4>``
    sections): they were drawn at 28 and 24 px, as large as the tutorial's own headings (34 px for
    "7.1 The report"), so the report's sections read as the tutorial's (docs/_static/outputs.css)."""
    with chromium() as browser:
        browser.get((site / "tutorials" / "07_report_and_maps.html").as_uri())
        sizes = browser.execute_script(
            "const size = e => parseFloat(getComputedStyle(e).fontSize);"
            "const heads = Array.from(document.querySelectorAll('main h1, main h2, main h3, main h4'));"
            "return [heads.filter(h => !h.closest('.cell_output')).map(size),"
            "        heads.filter(h => h.closest('.cell_output')).map(size),"
            "        size(document.querySelector('main p'))];")
    own, output, text = sizes
    assert len(output) >= 10 and own, sizes          # the report's title and its sections
    assert max(output) < min(own), sizes
    assert max(output) <= 1.2 * text, sizes


def test_the_on_this_page_box_keeps_its_names_inside(site):
    """The "On this page" box of an API page lists the page's objects by name, in code font: at
    1280 px wide its list was as wide as its longest name and ran past the box's edge (14 px on
    deterrence.core.exact, 121 px on deterrence.solvers.repeated.analysis; 26 pages), behind a
    scroll bar. Its names now wrap after their dots (docs/_static/titles.css, dotted_names.js)."""
    pages = sorted((site / "api").rglob("*.html"))
    past = {}
    with chromium(width=1280) as browser:
        for page in pages:
            browser.get(page.as_uri())
            over = browser.execute_script(
                "const box = document.querySelector('.bd-sidebar-secondary');"
                "if (!box || !box.offsetParent) return null;"
                "const edge = box.getBoundingClientRect().right - parseFloat(getComputedStyle(box).paddingRight);"
                "const out = Array.from(box.querySelectorAll('nav.page-toc a')).map(a => [a.textContent.trim(),"
                "  Math.round(a.getBoundingClientRect().right - edge)]).filter(r => r[1] > 0);"
                "return [box.scrollWidth - box.clientWidth, out.slice(0, 3)];")
            if over and (over[0] > 0 or over[1]):
                past[page.stem] = over
    assert len(pages) > 50 and past == {}, past


def test_the_glossary_has_no_empty_sidebar(site):
    """The glossary is a section of one page: its left sidebar showed "Section Navigation" over an
    empty column (a review of the site). It has none, and its text takes the room."""
    with chromium() as browser:
        browser.get((site / "glossary.html").as_uri())
        sidebar = browser.execute_script(
            "const s = document.querySelector('.bd-sidebar-primary');"
            "return s ? [s.offsetWidth, s.innerText.trim()] : null;")
        # a page with a section keeps its sidebar (the check sees one)
        browser.get((site / "howto" / "lab.html").as_uri())
        other = browser.execute_script("const s = document.querySelector('.bd-sidebar-primary');"
                                       "return s ? s.offsetWidth : 0;")
    assert sidebar is None or sidebar[0] == 0, sidebar
    assert other > 100


@pytest.mark.parametrize("width", [768, 1280])
def test_the_general_index_fits_the_window(site, width):
    """At 768 px the general index (genindex.html) ran past its column: the module names are long
    dotted words that do not break, and its table was wider than the window. They break after
    their dots now (docs/_static/dotted_names.js), as in the sidebar."""
    with chromium(width=width) as browser:
        browser.get((site / "genindex.html").as_uri())
        widths = browser.execute_script(
            "const c = document.querySelector('.bd-article-container');"
            "const de = document.documentElement;"
            "return [c.scrollWidth, c.clientWidth, de.scrollWidth, de.clientWidth,"
            " Math.max(...Array.from(document.querySelectorAll('table.genindextable'))"
            "   .map(t => t.getBoundingClientRect().right)), c.getBoundingClientRect().right];")
    column, column_shown, page, page_shown, table, edge = widths
    assert column <= column_shown and page <= page_shown and table <= edge + 1, widths

"""The documentation site builds with warnings as errors, and its pages render in headless Chromium:
the API page shows ``solve`` with its signature, a tutorial page shows its figures."""
import inspect
import os
import subprocess
import sys
from pathlib import Path

import pytest
from browser import chromium

import deterrence as dt

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The site, built once per session with the README's command (into a temporary folder)."""
    out = tmp_path_factory.mktemp("html")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    done = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html",
                           str(ROOT / "docs"), str(out)], capture_output=True, text=True, env=env, cwd=ROOT,
                          check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out


def test_the_readme_gives_the_docs_command():
    assert "sphinx-build -W --keep-going -b html docs docs/_build/html" in (ROOT / "README.md").read_text()


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


def test_every_notebook_is_a_tutorial_page(site):
    for source in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")):
        assert (site / "tutorials" / f"{source.stem}.html").exists(), source.name

"""``deterrence lab`` serves a page that answers a slider move with the library's numbers:
started on a free loopback port, driven in headless Chromium, and stopped."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from fractions import Fraction
from pathlib import Path

import pytest
from browser import chromium

import deterrence as dt

ROOT = Path(__file__).resolve().parent.parent

# One worker under pytest-xdist (`--dist loadgroup`): one lab server for the module's tests.
pytestmark = pytest.mark.xdist_group("lab")

# Elements inside Panel's shadow roots: a breadth-first search through every shadow root.
FIND = """
const roots = [document], out = [];
while (roots.length) {
  const r = roots.shift();
  r.querySelectorAll(arguments[0]).forEach(e => out.push(e));
  r.querySelectorAll('*').forEach(e => { if (e.shadowRoot) roots.push(e.shadowRoot); });
}
return out;"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab():
    """``deterrence lab --port P --no-browser`` in its own process group; stopped afterwards."""
    port = free_port()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
               MPLBACKEND="Agg")
    proc = subprocess.Popen([sys.executable, "-m", "deterrence.cli", "lab", "--port", str(port), "--no-browser"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        # A request waits up to a minute: the first page builds the app (5-24 s on a loaded machine), and a
        # request given up after 5 s was sent again and again, each building it anew, so a CI run under load
        # saw no answer within 120 s (stop 44)
        deadline = time.monotonic() + 300
        while True:
            try:
                with urllib.request.urlopen(url, timeout=60) as answer:
                    assert answer.status == 200
                    break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode()
                assert time.monotonic() < deadline, "the lab did not answer within 300 s"
                time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stdout.close()


def wait_for_text(browser, selector, predicate, timeout=120):
    from selenium.common.exceptions import StaleElementReferenceException
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = [e.get_attribute("textContent") for e in browser.execute_script(FIND, selector)]
        except StaleElementReferenceException:      # Panel redrew the element: look again
            found = []
        if found and predicate(found[0]):
            return found[0]
        assert time.monotonic() < deadline, (selector, found)
        time.sleep(0.5)


def choose(browser, text, timeout=60):
    """Pick ``text`` in the lab's game list. Panel may redraw the list while the page settles,
    and an element found before a redraw is stale (stop 45's CI: test_lab_figures_fit_the_window
    failed once so): find it again and retry until ``timeout``."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import Select
    deadline = time.monotonic() + timeout
    while True:
        try:
            Select(browser.execute_script(FIND, "select")[0]).select_by_visible_text(text)
            return
        except StaleElementReferenceException:
            assert time.monotonic() < deadline, f"the game list stayed stale for {timeout} s"
            time.sleep(0.5)


def library_war_risk(per_thousand) -> float:
    """The war risk the library computes for the US–Iran model at δ = 9/10 (the lab's default)
    under execution noise of ``per_thousand`` per thousand."""
    model = dt.us_iran_model(delta=Fraction(9, 10), noise={"execution": Fraction(per_thousand, 1000)})
    return float(dt.explain(model).section("miscalculation").data["war_probability_float"])


def test_lab_answers_a_slider_move_with_the_librarys_war_risk(lab, tmp_path):
    from selenium.webdriver.common.keys import Keys


    from deterrence.lab import US_IRAN, case_view
    before, after = library_war_risk(20), library_war_risk(16)
    assert f"{before:.4f}" != f"{after:.4f}"          # the move must change what is shown
    with chromium() as browser:
        browser.get(lab)
        # the page opens on the case, as `deterrence report` analyses it
        shown = wait_for_text(browser, ".lab-war-risk", lambda t: t.strip() != "")
        assert shown == f"{case_view({})['war_probability']:.4f}"
        choose(browser, US_IRAN)
        shown = wait_for_text(browser, ".lab-war-risk", lambda t: t == f"{before:.4f}")
        # the noise slider (per thousand, at 20): four steps left with the keyboard, as a student would
        handle = browser.execute_script(FIND, ".noUi-handle")[0]
        browser.execute_script("arguments[0].focus();", handle)
        for _ in range(4):
            browser.switch_to.active_element.send_keys(Keys.ARROW_LEFT)
            time.sleep(0.3)
        wait_for_text(browser, ".bk-slider-title", lambda t: t == "execution noise (per thousand): 16")
        shown = wait_for_text(browser, ".lab-war-risk", lambda t: t == f"{after:.4f}")
        browser.save_screenshot(str(tmp_path / "lab.png"))
    assert shown == f"{after:.4f}"


def test_lab_view_of_the_model_is_the_librarys():
    from deterrence.lab import us_iran_view
    view = us_iran_view(Fraction(7, 10), 20, {"W_iran": 40})
    report = dt.explain(dt.us_iran_model(delta=Fraction(7, 10), noise={"execution": Fraction(1, 50)}, W_iran=40))
    assert view["headline"] == report.summary
    assert view["regime"] == report.section("regime").data["regime"]
    assert view["war_probability"] == pytest.approx(report.section("miscalculation").data["war_probability_float"])
    stage = dt.load_game("us_iran_stage").subs(W_iran=40)
    assert view["equilibria"] == [e.describe() for e in dt.solve(stage).equilibria]


def test_lab_shows_the_equilibria_of_a_typed_payoff_table():
    from deterrence.lab import game_view, parse_table
    game = parse_table("3, 3; 0, 5\n5, 0; 1, 1")
    assert game_view(game)["equilibria"] == [e.describe() for e in dt.solve(game).equilibria]
    with pytest.raises(dt.GameError, match="row 2"):
        parse_table("1, 1; 2, 2\n3, 3; x, 4")


# The shadow root holding the slider titled arguments[0] ("d: 1" is titled "d"): its noUi handle.
SLIDER_HANDLE = """
const roots = [document];
while (roots.length) {
  const r = roots.shift();
  const title = r.querySelector('.bk-slider-title'), handle = r.querySelector('.noUi-handle');
  if (title && handle && title.textContent.split(':')[0].trim() === arguments[0]) return handle;
  r.querySelectorAll('*').forEach(e => { if (e.shadowRoot) roots.push(e.shadowRoot); });
}
return null;"""


def library_equilibria(name, **values) -> list:
    """The library's subgame-perfect equilibria of catalogue tree ``name`` at ``values``, as text."""
    return [e.describe() for e in dt.solve(dt.load_game(name).subs(**values), "subgame_perfect").equilibria]


def shown_equilibria(browser) -> list:
    return [e.get_attribute("textContent") for e in browser.execute_script(FIND, ".lab-equilibrium")]


def test_lab_answers_a_slider_move_on_a_game_tree_with_the_librarys_equilibria(lab, tmp_path):
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    tree = dt.load_game("entry_deterrence")
    before = library_equilibria("entry_deterrence", **tree.parameters)
    after = library_equilibria("entry_deterrence", **dict(tree.parameters, d=tree.parameters["d"] - 1))
    assert before != after                                   # the move must change what is shown
    with chromium() as browser:
        browser.get(lab)
        wait_for_text(browser, ".lab-war-risk", lambda t: t.strip() != "")   # the page is live
        select = browser.execute_script(FIND, "select")[0]
        Select(select).select_by_visible_text("entry_deterrence")
        wait_for_text(browser, ".lab-headline", lambda t: t == tree.title)
        deadline = time.monotonic() + 120
        while shown_equilibria(browser) != before:
            assert time.monotonic() < deadline, shown_equilibria(browser)
            time.sleep(0.5)
        # the entrant's payoff from accommodation d, one step left with the keyboard
        handle = browser.execute_script(SLIDER_HANDLE, "d")
        browser.execute_script("arguments[0].focus();", handle)
        browser.switch_to.active_element.send_keys(Keys.ARROW_LEFT)
        deadline = time.monotonic() + 120
        while shown_equilibria(browser) != after:
            assert time.monotonic() < deadline, shown_equilibria(browser)
            time.sleep(0.5)
        shown = shown_equilibria(browser)
        play = [e.get_attribute("textContent") for e in browser.execute_script(FIND, ".lab-play")]
        browser.save_screenshot(str(tmp_path / "lab_tree.png"))
    assert shown == after
    moved = tree.subs(**dict(tree.parameters, d=tree.parameters["d"] - 1))
    assert play == [e.details()[0] for e in dt.solve(moved).equilibria]


def test_lab_view_of_a_tree_follows_the_library_as_a_parameter_moves():
    from deterrence.lab import tree_view
    for name, parameter in [("entry_deterrence", "d"), ("mutual_deterrence", "sq1"), ("fearon_bargaining", "p")]:
        tree = dt.load_game(name)
        default = tree.parameters[parameter]
        shown = []
        for value in (default, default - 1 if isinstance(default, int) else default - Fraction(1, 10)):
            values = dict(tree.parameters, **{parameter: value})
            view = tree_view(tree.subs(**values))
            library = dt.solve(tree.subs(values), "subgame_perfect")
            assert view["equilibria"] == [e.describe() for e in library.equilibria]
            # where play ends, with the library's probabilities
            assert view["play"] == ["play ends at: " + ", ".join(
                path if q == 1 else f"{path} ({dt.format_exact(q)})" for path, q in e.outcomes)
                for e in library.equilibria]
            report = dt.explain(tree.subs(values))
            assert view["headline"] == (report.summary or report.title)
            shown.append(view["equilibria"])
        assert shown[0] != shown[1], name                  # the move changes what the page shows


def test_lab_refuses_a_tree_over_its_size_guard_in_words(monkeypatch):
    import functools
    import html

    import deterrence.lab as lab_module
    with pytest.raises(dt.TooLargeError, match="5 nodes, over the lab's limit of 4"):
        lab_module.tree_view(dt.load_game("entry_deterrence"), max_nodes=4)
    # on the page: the refusal is shown as text, and nothing of the game
    monkeypatch.setattr(lab_module, "tree_view", functools.partial(lab_module.tree_view, max_nodes=4))
    controls, results = lab_module.make_app()
    game_select = controls[1]
    game_select.value = "crisis_resolve"                 # 5 nodes too
    page = {html.unescape(pane.object) if isinstance(pane.object, str) else None for pane in results}
    assert any(text and "5 nodes, over the lab's limit of 4" in text and "lab-error" in text for text in page)
    assert not any(text and "lab-equilibrium" in text for text in page)
    game_select.value = "prisoners_dilemma"              # a normal-form game is not a tree: no guard
    assert any(text and "lab-equilibrium" in text for text in
               (pane.object if isinstance(pane.object, str) else None for pane in results))


def test_lab_case_is_the_model_deterrence_report_analyses():
    """A review: the lab's only "US–Iran model" was the teaching model, so at W_iran = 20 it said
    "mutual restraint" where `deterrence report --set W_iran=20` says US withdrawal. The lab now
    offers the case model itself, read from the same report JSON as the command."""
    import html
    import json
    import subprocess
    import sys

    import deterrence.lab as lab_module
    for values, one_in in (({"W_iran": 20}, None), ({}, 800)):
        view = lab_module.case_view(values, misfire_one_in=one_in)
        args = [f"--set={k}={v}" for k, v in values.items()] + ([f"--set=misfire=1/{one_in}"] if one_in else [])
        out = subprocess.run([sys.executable, "-m", "deterrence", "report", *args, "--format", "json"],
                             capture_output=True, text=True, check=True).stdout
        doc = json.loads(out)
        assert view["headline"] == doc["title"] and view["regime"] == doc["equilibrium"]["regime"]
        assert view["followed"] == doc["equilibrium"]["name"]
        assert view["war_probability"] == doc["predicted"]["war_probability"]["value"]
    assert lab_module.case_view({"W_iran": 20})["regime"] == "US withdrawal"
    # on the page: the case's sliders, its war risk and regime, and the report's figure
    controls, results = lab_module.make_app()
    assert controls[1].value == lab_module.US_IRAN_CASE                 # the page opens on the case
    names = [s.label for s in controls[4]]
    assert names == [*lab_module.CASE_SLIDERS, lab_module.MISFIRE_ONE_IN]
    assert not controls[2].visible and not controls[3].visible       # δ and the teaching noise: not this model's
    page = " ".join(html.unescape(p.object) for p in results if isinstance(p.object, str))
    default = lab_module.case_view({})
    assert f"<b class='lab-war-risk'>{default['war_probability']:.4f}</b>" in page and "within 26 months" in page
    assert f"<span class='lab-regime'>{default['regime']}</span>" in page
    figure = next(p for p in results if hasattr(p, "dpi")).object
    assert figure is not None and len(figure.axes) >= 4


def test_the_views_probability_of_war_is_war_probability_and_war_risk_still_reads():
    """Review 45: the glossary's word for a chance of war is probability; the views' key was
    ``war_risk``. It is ``war_probability`` now; ``war_risk`` reads it with a DeprecationWarning."""
    from deterrence.lab import case_view, us_iran_view
    for view in (us_iran_view(Fraction(9, 10), 20, {}), case_view({})):
        assert "war_probability" in view and "war_risk" not in list(view)
        with pytest.warns(DeprecationWarning, match="'war_risk' is deprecated.*use 'war_probability'"):
            assert view["war_risk"] == view["war_probability"] > 0


def test_lab_noise_at_zero_is_no_noise_and_its_war_risk_is_computed():
    """A review: at 0 the noise slider fell back to the game file's noise (Iran misfires 1 in
    1600) while the page showed a war risk of 0.0000 without computing it (the library: 0.0606)."""
    from deterrence.lab import us_iran_view
    for delta in (Fraction(1, 2), Fraction(9, 10)):
        view = us_iran_view(delta, 0, {})
        model = dt.us_iran_model(delta=delta, noise={"execution": 0})
        assert view["war_probability"] == float(model.classify()[1])
        assert view["headline"] == dt.explain(model).summary
    # with noise: the report's number, to the last bit (the page computed it a second time, by
    # classify(), whose float chain differs from the exact one in the 16th digit), and the map's
    noisy = dt.us_iran_model(delta=Fraction(1, 2), noise={"execution": Fraction(1, 50)})
    view = us_iran_view(Fraction(1, 2), 20, {})
    assert view["war_probability"] == dt.explain(noisy).section("miscalculation").data["war_probability_float"] > 0.9
    assert view["war_probability"] == pytest.approx(noisy.classify()[1], rel=1e-12)


def test_lab_sliders_reach_the_catalogues_tipping_points():
    """A review: integer sliders stopped at twice the default (January 2020's D at 10), so
    notebook 03's thresholds D = 20 to 23 could not be set; and δ could not be set to the
    calibrated week's 730/737."""
    import panel as pn

    from deterrence.lab import DELTAS, _slider
    tree = dt.load_game("january_2020")
    assert _slider(pn, "D", tree.parameters["D"]).end >= 23
    assert Fraction(730, 737) in DELTAS.values()


def test_lab_at_its_default_sliders_solves_the_catalogues_games():
    """The sliders hold floats; read back rounded to nine digits, a default of 2/3 became
    666666667/1000000000, and seven catalogue games were solved as other games before any
    slider moved (a review of the lab: 33 equilibria for mutual_deterrence_incomplete's 32)."""
    from deterrence.lab import game_view, parameter_values, tree_view
    for name in ("mutual_deterrence_incomplete", "proxy_target_selection", "reassurance_game",
                 "brinkmanship_two_sided"):
        game = dt.load_game(name)
        shown = parameter_values({k: float(v) for k, v in game.parameters.items()})
        assert shown == {k: Fraction(v) for k, v in game.parameters.items()}, name
        view = tree_view(game.subs(**shown)) if isinstance(game, dt.GameTree) else game_view(game.subs(**shown))
        assert view["equilibria"] == [e.describe() for e in dt.solve(game).equilibria], name


def test_lab_refuses_every_bad_table_in_words_and_its_figure_keeps_its_layout(recwarn):
    """1/0 in a typed table left the page on 'computing…' (a ZeroDivisionError nothing caught);
    the case figure collapsed to its label when the war risk was tiny (W_iran = 0)."""
    import matplotlib.pyplot as plt

    from deterrence.lab import case_view, parse_table
    with pytest.raises(dt.GameError, match="row 1, cell 1: payoff '1/0' is not a number"):
        parse_table("1/0, 2; 3, 4")
    with pytest.raises(dt.TooLargeError, match="row 2, cell 1: .*digits"):         # at once, not after 9 s
        parse_table("1, 2; 3, 4\n1e10000000, 2; 3, 4")
    import io

    from PIL import Image
    figure = case_view({"W_iran": 0}, figure=True)["figure"]
    png = io.BytesIO()
    figure.savefig(png, dpi=40, bbox_inches="tight")          # as the page's pane draws it
    assert not [w for w in recwarn if "constrained_layout not applied" in str(w.message)]
    width, height = Image.open(png).size
    assert height < 2 * width, (width, height)   # the four panels, not a tall column of white
    plt.close(figure)


def test_lab_probability_sliders_stop_at_one():
    import panel as pn

    from deterrence.lab import _slider
    assert _slider(pn, "p1", Fraction(2, 3)).end == 1.0
    assert _slider(pn, "k_us", Fraction(10, 3)).end == pytest.approx(20 / 3)


# The rendered boxes of the figure (an image or an inline SVG, in Panel's shadow roots), as
# [left, right, width, height, natural width of an image]; the small SVGs of icons left out.
FIGURES = """
const roots = [document], out = [];
while (roots.length) {
  const r = roots.shift();
  r.querySelectorAll('img, svg').forEach(i => out.push(i));
  r.querySelectorAll('*').forEach(e => { if (e.shadowRoot) roots.push(e.shadowRoot); });
}
return out.map(i => [i.getBoundingClientRect(), i.naturalWidth || 0]).filter(([b]) => b.width > 100 && b.height > 100)
  .map(([b, natural]) => [b.left, b.right, b.width, b.height, natural]);"""


def test_lab_figures_fit_the_window(lab, tmp_path):
    """A review: on a 1280-pixel window the case report's figure (13 inches at 100 dpi) ran past
    the window's right edge, its right-hand panels cut off behind a horizontal scroll bar; a tree
    drawing (up to 12 inches) did too. Each figure is now shrunk to the results column, keeping its
    shape; a small one (the teaching model's map, 6.4 inches) is not blown up past its own width."""

    from deterrence.lab import US_IRAN
    with chromium(width=1280, height=1000) as browser:
        browser.get(lab)
        wait_for_text(browser, ".lab-war-risk", lambda t: t.strip() != "")
        # the case (the page opens on it), a wide tree, a small figure
        for choice, title in ((None, None), ("january_2020", "January 2020"), (US_IRAN, "Mutual restraint")):
            if choice:
                choose(browser, choice)
                wait_for_text(browser, ".lab-headline", lambda t, title=title: title in t)
            deadline = time.monotonic() + 120
            while not browser.execute_script(FIGURES):
                assert time.monotonic() < deadline, "no figure drawn"
                time.sleep(0.5)
            time.sleep(2)
            (left, right, width, height, natural), = browser.execute_script(FIGURES)
            window = browser.execute_script("return [document.documentElement.clientWidth, "
                                            "document.documentElement.scrollWidth];")
            browser.save_screenshot(str(tmp_path / f"lab_{choice or 'case'}.png"))
            assert right <= window[0] and window[1] <= window[0], (choice, left, right, window)
            assert width > 0.5 * (window[0] - 340) and height > 0.3 * width, (choice, width, height)
            assert width <= natural + 1, (choice, width, natural)


def test_lab_shows_a_refused_table_where_the_figure_was(lab):
    """A review: a refused payoff table emptied the figure, but its pane kept the last figure's
    height, so the message in words sat under a blank gap of some 450 pixels. Without a figure the
    pane now takes no room: the message follows the text above it, and a good table brings the
    figure back."""

    from deterrence.lab import CUSTOM
    with chromium(width=1280, height=1000) as browser:
        browser.get(lab)
        wait_for_text(browser, ".lab-war-risk", lambda t: t.strip() != "")
        choose(browser, CUSTOM)
        wait_for_text(browser, ".lab-equilibrium", lambda t: "row" in t)
        deadline = time.monotonic() + 120
        while not browser.execute_script(FIGURES):             # the heat map of the default table
            assert time.monotonic() < deadline, "no figure drawn"
            time.sleep(0.5)
        area = browser.execute_script(FIND, "textarea")[0]
        for text, shown in (("1/0, 2; 3, 4", "payoff '1/0' is not a number"), ("2, 1; 0, 0\n0, 0; 1, 2", None)):
            area.clear()
            area.send_keys(text)
            browser.execute_script("arguments[0].blur();", area)
            if shown:
                wait_for_text(browser, ".lab-error", lambda t, shown=shown: shown in t)
                top = browser.execute_script(FIND, ".lab-error")[0].rect["y"]
                assert top < 200 and browser.execute_script(FIGURES) == [], top
            else:
                wait_for_text(browser, ".lab-equilibrium", lambda t: "row" in t)
                deadline = time.monotonic() + 120
                while not browser.execute_script(FIGURES):
                    assert time.monotonic() < deadline, "the figure did not come back"
                    time.sleep(0.5)


def test_lab_game_list_shows_each_name_whole(lab):
    """A review: the list's first two entries were cut off in its box ("US–Iran case (stochastic
    exchange model, a"), so a student could not read which model was picked. Every entry's text,
    in the box's own font, fits the box (less its padding and arrow)."""
    from selenium.webdriver.support.ui import Select

    with chromium(width=1280, height=1000) as browser:
        browser.get(lab)
        wait_for_text(browser, ".lab-war-risk", lambda t: t.strip() != "")
        select = browser.execute_script(FIND, "select")[0]
        names = [o.text for o in Select(select).options]
        widths = browser.execute_script(
            "const s = arguments[0], style = getComputedStyle(s);"
            "const c = document.createElement('canvas').getContext('2d');"
            "c.font = style.font;"
            "const room = s.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;"
            "return [room, arguments[1].map(n => c.measureText(n).width)];", select, names)
        room, texts = widths
        assert len(names) > 30
        assert [(n, round(w)) for n, w in zip(names, texts) if w > room] == [], room


def test_lab_shows_the_librarys_notes_on_what_the_list_is():
    """A review: for Kuhn poker the page listed two "Subgame-perfect equilibria" and nothing else,
    so a student read that the game has two; the library's result says they are the extreme
    equilibria (one component of a continuum, by the sequence form). The page now shows the result's
    notes under the list."""
    import html

    import deterrence.lab as lab_module
    result = dt.solve(dt.load_game("kuhn_poker"), lab_module.TREE_METHOD)
    assert any("extreme equilibria" in n for n in result.notes)
    assert lab_module.tree_view(dt.load_game("kuhn_poker"))["notes"] == list(result.notes)
    controls, results = lab_module.make_app()
    controls[1].value = "kuhn_poker"
    page = " ".join(html.unescape(p.object) for p in results if isinstance(p.object, str))
    assert page.count("lab-equilibrium") == 2
    for note in result.notes:
        assert f"<p class='lab-note'><small>Note: {note}</small></p>" in page
    controls[1].value = "prisoners_dilemma"          # a game whose result has no note shows none
    assert dt.solve(dt.load_game("prisoners_dilemma").with_defaults()).notes == ()
    page = " ".join(html.unescape(p.object) for p in results if isinstance(p.object, str))
    assert "lab-note" not in page and "lab-equilibrium" in page


def test_lab_map_derives_its_formulas_once_per_structure(monkeypatch):
    # a slider that is not an axis of the teaching model's map (b_us, c_iran, ...) gave a new classifier
    # key, and the symbolic deviation gains were derived and lambdified again on every move (0.17 s of a
    # 0.19 s map); the map at the new values is the same as one derived for them from scratch
    import sympy

    from deterrence.lab import _us_iran_figure
    from deterrence.solvers.repeated import one_shot_deviation
    _us_iran_figure(Fraction(9, 10), {"b_us": Fraction(7, 3)})
    derived, compiled = [], []
    gains, lambdify = one_shot_deviation.deviation_gains, sympy.lambdify
    monkeypatch.setattr(one_shot_deviation, "deviation_gains", lambda *a, **k: derived.append(1) or gains(*a, **k))
    monkeypatch.setattr(sympy, "lambdify", lambda *a, **k: compiled.append(1) or lambdify(*a, **k))
    for b_us in (Fraction(8, 3), Fraction(10, 3)):
        _us_iran_figure(Fraction(9, 10), {"b_us": b_us, "W_iran": 31})
    assert derived == [] and compiled == []
    monkeypatch.undo()
    from deterrence.models import us_iran
    from deterrence.core import regime_model
    moved = dt.regime_map(("delta", [0.5, 0.7, 0.9]), ("W_iran", [0, 10, 60]), b_us=Fraction(10, 3), c_iran=7)
    us_iran._FORMULAS.clear()
    regime_model._COMPILED.clear()
    us_iran._symbolic_classifier.cache_clear()
    fresh = dt.regime_map(("delta", [0.5, 0.7, 0.9]), ("W_iran", [0, 10, 60]), b_us=Fraction(10, 3), c_iran=7)
    assert moved.values["regime"].tolist() == fresh.values["regime"].tolist()
    assert moved.values["war_probability"].tolist() == fresh.values["war_probability"].tolist()


def test_lab_noise_move_keeps_the_teaching_models_figure():
    # the map over δ and W_iran does not depend on the noise: a noise move built the figure again
    # and the page turned it into an image again; the war risk still follows the library
    pytest.importorskip("panel")
    from deterrence.lab import make_app, us_iran_view
    app = make_app()
    (_, game_select, delta, noise, _), results = app[0], app[1]
    game_select.value = dt.lab.US_IRAN
    figure, shown = results[3], results[3].object
    assert shown is not None
    noise.value = 37
    risk = us_iran_view(delta.value, 37, {s.label: s.value for s in app[0][4]})["war_probability"]
    assert figure.object is shown and f"{risk:.4f}" in results[1].object
    delta.value = Fraction(7, 10)
    assert figure.object is not shown                   # a move of an axis draws the star anew

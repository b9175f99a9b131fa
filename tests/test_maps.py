"""Deterrence maps: the symbolic path agrees with solving point by point."""
import numpy as np
import pytest

import deterrence as dt
from deterrence import plot
from deterrence.analysis.maps import REGIMES, regime_map

DELTAS = [0.3, 0.7, 0.74, 0.76, 0.9]
W_IRAN = [0.5, 1.9, 2.1, 20, 60]


def test_symbolic_map_agrees_with_point_by_point():
    fast = regime_map(("delta", DELTAS), ("W_iran", W_IRAN))
    slow = regime_map(("delta", DELTAS), ("W_iran", W_IRAN), method="solve", executor="serial")
    assert np.array_equal(fast.values["regime"], slow.values["regime"])
    assert np.allclose(fast.values["war_probability"], slow.values["war_probability"])
    # every regime appears on this grid, on the right side of the lines delta* = 3/4 and W_iran = b_iran = 2
    assert set(fast.values["regime"].flat) == {0.0, 1.0, 2.0}
    assert fast.values["regime"][3, 3] == 0 and fast.values["regime"][2, 3] == 1
    assert fast.values["regime"][3, 1] == 2 and fast.values["regime"][3, 2] == 0


def test_map_over_a_payoff_in_the_threshold_formula():
    # delta* = (a_iran + b_iran) / (a_iran + c_iran): c_iran moves the line
    fast = regime_map(("delta", [0.6, 0.8]), ("c_iran", [2.5, 4, 8]))
    slow = regime_map(("delta", [0.6, 0.8]), ("c_iran", [2.5, 4, 8]), method="solve", executor="serial")
    assert np.array_equal(fast.values["regime"], slow.values["regime"])


def test_one_dimensional_map_and_fixed_values():
    m = regime_map(("W_us", [1, 3, 30]), delta=0.9)
    assert m.values["regime"].tolist() == [2.0, 0.0, 0.0]
    assert m.meta["deviation_conditions"] > 0


def test_dask_path_gives_the_same_map():
    from dask.distributed import Client, LocalCluster
    grid = (("delta", [0.5, 0.8]), ("W_iran", [1, 50]))
    local = regime_map(*grid, method="solve", executor="process", max_workers=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, Client(cluster) as client:
        remote = regime_map(*grid, method="solve", executor=client)
    assert np.array_equal(local.values["regime"], remote.values["regime"])
    assert np.array_equal(local.values["war_probability"], remote.values["war_probability"])


def test_bad_axis_is_named():
    from deterrence.errors import GameError
    with pytest.raises(GameError, match="unknown map axis 'noise'"):     # a noise table: not on the symbolic path
        regime_map(("noise", [{"execution": "1/50"}]))
    with pytest.raises(GameError, match="noise 0.1: a bare number is ambiguous"):   # the model's own check
        regime_map(("noise", [0.1]))


def test_plot_in_one_call(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    ax = plot.sweep_map(regime_map(("delta", np.linspace(0.5, 0.99, 20)), ("W_iran", np.linspace(0, 10, 20))), "regime")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(REGIMES)
    ax.figure.savefig(tmp_path / "map.png")


def test_plot_with_war_risk_on_a_non_square_grid():
    import matplotlib
    matplotlib.use("Agg")
    m = regime_map(("delta", np.linspace(0.5, 0.99, 7)), ("W_iran", np.linspace(0, 10, 4)))
    ax = plot.sweep_map(m, "regime", war_risk=True)
    assert ax.get_xlabel() == "delta" and ax.get_ylabel() == "W_iran"


# --- the map is generic: any model with the protocol of deterrence.core.regime_model ---

def test_maps_module_names_no_case_model():
    # today's maps.py imported the US-Iran model and restated its classification
    import ast
    import inspect
    import deterrence.analysis.maps as maps
    tree = ast.parse(inspect.getsource(maps))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    words = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            words.append(node.id)
        elif isinstance(node, ast.Attribute):
            words.append(node.attr)
        elif isinstance(node, ast.alias):
            words.append(node.name)
        elif isinstance(node, ast.ImportFrom):
            words.append(node.module or "")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            words.append(node.value)
    case_words = ("iran", "contained", "restraint", "escalat", "proxy", "deviation_gains", "war_risk(")
    found = sorted({w for w in words for c in case_words if c in w.lower()})
    assert found == [], found


def test_the_exchange_model_maps_point_by_point_as_its_own_analysis_says():
    from deterrence.models.us_iran_exchange import (REGIMES as EXCHANGE_REGIMES, contained_profile,
                                                    exchange_model, verify)
    from deterrence.models.us_iran_exchange_report import analyse_exchange
    from deterrence.analysis.maps import regime_at
    from deterrence.errors import GameError
    misfires = ["1/1600", "1/10"]      # exact values (the sweep passes strings as they are)
    m = regime_map(("W_iran", [0, 10, 60]), ("misfire", misfires), model=exchange_model, executor="serial")
    assert m.meta["regimes"] == EXCHANGE_REGIMES and m.complete
    codes = set()
    for i, w in enumerate([0, 10, 60]):
        for j, misfire in enumerate(misfires):
            model = exchange_model(W_iran=w, misfire=misfire)
            report = analyse_exchange(model, claims=False)      # the case report's own analysis
            # the report's words, coded by the map's legend (EXCHANGE_REGIMES)
            expected = EXCHANGE_REGIMES.index({"contained": "contained exchange"}.get(
                report.regime, report.regime if report.regime in EXCHANGE_REGIMES else EXCHANGE_REGIMES[1]))
            assert m.values["regime"][i, j] == expected
            assert (expected == 0) == verify(model, contained_profile()).verified_under_noise
            assert m.values["war_probability"][i, j] == pytest.approx(report.predicted["war_probability"]["value"],
                                                               abs=5e-5)
            assert regime_at(model=exchange_model, W_iran=w, misfire=misfire) == {
                "regime": expected, "war_probability": m.values["war_probability"][i, j]}
            codes.add(expected)
    assert codes == {0, 1, 2}          # the grid crosses the boundaries: W_iran = 0, misfire 1/10 is mutual escalation
    with pytest.raises(GameError, match="no symbolic_classifier"):
        regime_map(("W_iran", [10]), model=exchange_model, method="symbolic")


class _Threshold:
    """A toy regime model: regime 1 when p + q > 1, with a symbolic classifier."""

    REGIMES = ("below", "above")

    def __init__(self, p=0.0, q=0.5):
        self.p, self.q = float(p), float(q)

    def classify(self):
        above = self.p + self.q > 1
        return int(above), 0.25 if above else 0.0

    def symbolic_classifier(self):
        import sympy
        from deterrence.core.regime_model import SymbolicClassifier
        p, q = sympy.symbols("p q")

        def decide(evaluated, shape):
            regime = np.where(np.broadcast_to(evaluated["excess"], shape) > 0, 1.0, 0.0)
            return regime, np.where(regime == 1, 0.25, 0.0)
        return SymbolicClassifier((("p", p, self.p), ("q", q, self.q)), (("excess", p + q - 1),), decide)


def test_a_model_of_ones_own_maps_by_formula_and_point_by_point_alike():
    from deterrence.core.regime_model import RegimeModel
    assert isinstance(_Threshold(), RegimeModel)
    grid = (("p", [0.0, 0.3, 0.8]), ("q", [0.1, 0.6, 0.9]))
    fast = regime_map(*grid, model=_Threshold)
    slow = regime_map(*grid, model=_Threshold, method="solve", executor="serial")
    assert fast.meta["regimes"] == slow.meta["regimes"] == ("below", "above")
    assert np.array_equal(fast.values["regime"], slow.values["regime"])
    assert np.array_equal(fast.values["war_probability"], slow.values["war_probability"])
    assert fast.values["regime"].tolist() == [[float(p + q > 1) for q in (0.1, 0.6, 0.9)] for p in (0.0, 0.3, 0.8)]
    one_axis = regime_map(("p", [0.2, 0.7]), model=_Threshold, q=0.4)   # q fixed for the map
    assert one_axis.values["regime"].tolist() == [0.0, 1.0]


def test_plot_names_the_regimes_of_the_mapped_model():
    import matplotlib
    matplotlib.use("Agg")
    ax = plot.sweep_map(regime_map(("p", [0.0, 0.8]), ("q", [0.1, 0.9]), model=_Threshold), "regime")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["below", "above"]


class _Counted(_Threshold):
    """The toy model, counting the points it classifies."""

    classified = 0

    def classify(self):
        type(self).classified += 1
        return super().classify()


BAD_AXES = [
    (("p", 0.5), None, {}, r"regime_map: x \(p\): the values must be a list, a range or an array, got float"),
    (("p", "0.5"), None, {}, r"regime_map: x \(p\): the values must be a list, a range or an array, got str"),
    ("p", None, {}, r"regime_map: x must be a pair \(parameter name, values\), got 'p'"),
    (("p", [0.1], 2), None, {}, r"regime_map: x must be a pair"),
    ((3, [0.1]), None, {}, r"regime_map: x must be a pair"),
    (("p", []), None, {}, r"regime_map: x \(p\) has no values"),
    (("p", [0.1]), ("q", iter(())), {}, r"regime_map: y \(q\) has no values"),
    (("p", [0.1]), ("p", [0.2]), {}, r"regime_map: x and y are both 'p': give two different parameters"),
    (("p", [0.1]), ("q", [0.2]), {"q": 0.3}, r"regime_map: q is the y axis and a fixed value \(q=0.3\): give it once"),
    (("p", [0.1]), ("r", [0.2]), {}, r"regime_map: y: the model takes no parameter 'r'"),
    (("p", [0.1, float("nan")]), None, {}, r"^p is nan: it must be a finite number"),
    (("p", range(2000)), ("q", range(1000)), {}, r"a grid of 2000 x 1000 = 2,000,000 points, over the limit"),
]


@pytest.mark.parametrize("method", ["symbolic", "solve"])
@pytest.mark.parametrize("x, y, fixed, message", BAD_AXES)
def test_each_bad_axis_is_refused_once_before_any_point_with_a_clear_message(x, y, fixed, message, method):
    from deterrence.errors import DeterrenceError
    _Counted.classified = 0
    with pytest.raises(DeterrenceError, match=message):
        regime_map(x, y, model=_Counted, method=method, executor="serial", **fixed)
    assert _Counted.classified == 0          # refused before any point is classified, on either path


def test_an_axis_the_model_does_not_know_is_refused_once_not_at_every_point():
    # before: the point-by-point path classified every point, each failing the same way, and
    # returned a map with no regimes and one failure a point
    from deterrence.errors import GameError
    from deterrence.models.us_iran_exchange import exchange_model
    with pytest.raises(GameError, match="unknown calibration parameter 'W_irn'"):
        regime_map(("W_irn", [10, 20, 30]), ("misfire", ["1/1600"]), model=exchange_model, executor="serial")
    with pytest.raises(GameError, match="unknown parameter 'W_irn'"):
        regime_map(("delta", [0.5, 0.9]), ("W_irn", [1, 2]), method="solve", executor="serial")
    # the model's own range, at an axis's extremes: a negative delta among the values
    with pytest.raises(GameError, match="delta = -1/2"):
        regime_map(("delta", [0.5, "-1/2", 0.9]), method="solve", executor="serial")


class _Chance(_Counted):
    """The toy model with p declared a probability."""

    PARAMETER_RANGES = {"p": (0, 1)}


@pytest.mark.parametrize("method", ["symbolic", "solve"])
def test_a_value_outside_a_declared_range_is_refused_before_any_point(method):
    from deterrence.errors import GameError
    _Chance.classified = 0
    with pytest.raises(GameError) as refused:
        regime_map(("q", [0.1]), ("p", [0.5, 1.5, -1]), model=_Chance, method=method, executor="serial")
    assert str(refused.value) == "regime_map: y (p) = 1.5 is outside the range of p, [0, 1]; no point was computed"
    assert _Chance.classified == 0
    # the ends of the range are in it; an undeclared parameter has none
    assert regime_map(("p", [0, 1]), ("q", [-5, 5]), model=_Chance, method=method,
                      executor="serial").values["regime"].shape == (2, 2)


def test_the_exchange_models_probabilities_are_refused_up_front_not_as_failed_points():
    # before: misfire = 2 and israeli_strike_rate = -1/2 were failed points of the map (NaN regimes)
    from deterrence.errors import GameError
    from deterrence.models.us_iran_calibration import CALIBRATION
    from deterrence.models.us_iran_exchange import ExchangeModel, exchange_model
    with pytest.raises(GameError, match=r"^regime_map: x \(misfire\) = 2 is outside the range of misfire, \[0, 1\]"):
        regime_map(("misfire", [0, "1/2", 2, 3]), model=exchange_model, executor="serial")
    with pytest.raises(GameError, match=r"^regime_map: y \(israeli_strike_rate\) = -1/2 is outside"):
        regime_map(("W_iran", [50]), ("israeli_strike_rate", ["-1/2", 0]), model=exchange_model, executor="serial")
    # the model itself refuses one too, wherever it is built
    with pytest.raises(GameError, match=r"deadly_fraction = 3/2 is not a probability"):
        exchange_model(deadly_fraction="3/2")
    probabilities = {n for n, c in CALIBRATION.items() if c.unit.startswith("probability")}
    assert set(ExchangeModel.PARAMETER_RANGES) == probabilities and len(probabilities) == 6


@pytest.mark.parametrize("method", ["symbolic", "solve"])
def test_the_default_models_chances_are_refused_up_front(method):
    # before: e_us = 2 (the chance that an answer on US forces succeeds) mapped silently
    from deterrence.errors import GameError
    from deterrence.models.proxy_targets import proxy_targets
    with pytest.raises(GameError, match=r"^regime_map: x \(e_us\) = 2 is outside the range of e_us, \[0, 1\]"):
        regime_map(("e_us", [0.5, 2, -1]), method=method, executor="serial")
    with pytest.raises(GameError, match=r"^regime_map: y \(proxy_e_is\) = -1/4 is outside"):
        regime_map(("delta", [0.5]), ("proxy_e_is", [0, "-1/4"]), method=method, executor="serial")
    with pytest.raises(GameError, match=r"^e_is = 5/4 is not a probability"):
        proxy_targets(e_is="5/4")


def test_a_map_over_a_parameter_the_noise_uses_is_solved_point_by_point():
    """A review: the symbolic path takes the war risk once, at the defaults, so a noise whose
    formulas use an axis (Iran trembles with probability 1/W_iran) gave one war risk in every
    cell. By default such a map is now solved point by point; method='symbolic' refuses it."""
    from deterrence import GameError, us_iran_model
    noise = {"Iran": {"implementation": {"hold": {"hold": "1 - 1/W_iran", "escalate": "1/W_iran"}}}}
    costs = [20, 50, 200]
    m = regime_map(("W_iran", costs), noise=noise, within=20)
    solved = regime_map(("W_iran", costs), method="solve", noise=noise, within=20)
    assert m.values["war_probability"].tolist() == solved.values["war_probability"].tolist()
    assert len(set(m.values["war_probability"].tolist())) == 3                # the risk moves with W_iran
    for w, risk in zip(costs, m.values["war_probability"].tolist()):
        assert risk == pytest.approx(us_iran_model(noise=noise, within=20, W_iran=w).classify()[1])
    with pytest.raises(GameError, match="noise has formulas in W_iran: use method='solve'"):
        regime_map(("W_iran", costs), method="symbolic", noise=noise, within=20)
    # an axis the noise does not use keeps the symbolic path (the same numbers as solving)
    fast = regime_map(("delta", [0.5, 0.9]), noise=noise, within=20)
    assert fast.meta["noise_parameters"] == ["W_iran"]             # the classifier's meta: the symbolic path
    assert "noise_parameters" not in m.meta                           # the sweep's: solved point by point
    assert fast.values["war_probability"].tolist() == regime_map(("delta", [0.5, 0.9]), method="solve", noise=noise,
                                                           within=20).values["war_probability"].tolist()


def _share(a, b):
    return {"share": a * b / 10, "count": a + b}


def _one_axis(k):
    return k * k


def test_a_sweep_that_is_no_regime_map_is_drawn_as_its_values():
    """A user's own sweep was labelled with the case's three regimes (fractions binned into
    regime codes, a sum of 3 refused as 'regime code 3.0 out of range') and a one-axis sweep
    failed unpacking two axes (an analyst's review)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from deterrence.analysis.sweep import sweep
    from deterrence.errors import GameError
    two = sweep(_share, {"a": [1, 2, 3], "b": [0.5, 2, 3, 4]}, executor="serial")
    for name in ("share", "count"):
        ax = plot.sweep_map(two, name)
        assert ax.get_legend() is None and ax.get_title() == name
        bar = ax.figure.axes[-1]
        assert bar.get_ylabel() == name
        assert bar.get_ylim() == pytest.approx((two.values[name].min(), two.values[name].max()))
        assert (ax.get_xlabel(), ax.get_ylabel()) == ("a", "b")
        plt.close(ax.figure)
    one = sweep(_one_axis, {"k": [1, 1.5, 2]}, executor="serial")
    ax = plot.sweep_map(one)
    assert ax.lines[0].get_xydata().tolist() == [[1, 1], [1.5, 2.25], [2, 4]]
    plt.close(ax.figure)
    with pytest.raises(GameError, match="no value 'nope'"):
        plot.sweep_map(two, "nope")
    with pytest.raises(GameError, match="war_risk apply to a map of regimes"):
        plot.sweep_map(two, "share", war_risk=True)
    # a label is no number: the sweep is refused with a message that says so, by every executor alike (the
    # serial loop recorded it as a failed point, where the executors raised it)
    for executor in ("serial", "thread"):
        with pytest.raises(GameError, match="returned 'US' for 'who'; a sweep keeps numbers"):
            sweep(_label, {"a": [1]}, executor=executor)


def _label(a):
    return {"who": "US"}


def test_a_resumed_regime_map_keeps_its_regime_names():
    """Sweep.resume dropped meta, and the resumed map was drawn as numbers (a diff review)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from deterrence.analysis.maps import regime_at
    whole = regime_map(("delta", [0.5, 0.9]), ("W_iran", [1, 50]), method="solve", executor="serial")
    resumed = whole.resume(regime_at, executor="serial")
    assert resumed.meta["regimes"] == whole.meta["regimes"] == tuple(REGIMES)
    ax = plot.sweep_map(resumed, "regime")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(REGIMES)
    plt.close(ax.figure)


def test_regime_at_names_its_regime_and_still_compares_as_the_code():
    # a review: regime_at(0.9) read {'regime': 0, ...}, a code the user had to look up in REGIMES
    import json
    import pickle

    from IPython.core.formatters import DisplayFormatter     # as Jupyter formats, with no shell left behind

    from deterrence.analysis.maps import regime_at
    from deterrence.models.us_iran_exchange import REGIMES as EXCHANGE_REGIMES, exchange_model
    point = regime_at(0.5)
    assert str(point["regime"]) == REGIMES[1] == point["regime"].name and f"{point['regime']}" == REGIMES[1]
    assert point["regime"] == 1 and float(point["regime"]) == 1.0 and {1: "x"}[point["regime"]] == "x"
    shown = DisplayFormatter().format(regime_at(0.9))[0]["text/plain"]
    assert "mutual restraint" in shown
    assert json.loads(json.dumps(point))["regime"] == 1           # JSON and a sweep still read the code
    assert pickle.loads(pickle.dumps(point["regime"])).name == REGIMES[1]     # executors pickle it
    other = regime_at(model=exchange_model, W_iran=0, misfire="1/10")["regime"]
    assert str(other) == EXCHANGE_REGIMES[int(other)]             # each model's own names


def test_regime_is_an_immutable_value_that_pickles_hashes_and_writes_as_its_code():
    """A Regime's name cannot be reassigned or deleted; it still pickles, copies, hashes,
    compares and writes to JSON as its code."""
    import copy
    import json
    import pickle

    from deterrence.analysis.maps import regime_at
    from deterrence.core.regime_model import Regime
    r = regime_at(0.9)["regime"]
    with pytest.raises(AttributeError, match="immutable"):
        r.name = "war"
    with pytest.raises(AttributeError, match="immutable"):
        del r.name
    with pytest.raises(AttributeError, match="immutable"):
        r.colour = "red"
    assert r.name == str(r) == "mutual restraint"
    back = pickle.loads(pickle.dumps(r))
    assert type(back) is Regime and back == r == 0 and back.name == r.name
    assert copy.deepcopy(r).name == r.name and copy.copy(r).name == r.name
    assert hash(r) == hash(0) and {r: "x"}[0] == "x" and sorted([Regime(2, "b"), r]) == [0, 2]
    assert json.dumps({"regime": r}) == '{"regime": 0}'


def test_the_classifier_a_model_hands_out_cannot_be_changed_under_later_maps():
    """The US–Iran model keeps one classifier per set of values (lru_cache) and hands out that
    object: clearing its list of deviation gains made a later map, from a fresh model, call
    delta = 0.5 mutual restraint; adding a name to its meta refused a valid symbolic axis."""
    from deterrence.errors import GameError
    from deterrence.models.us_iran import us_iran_model
    values = {"W_iran": 37}             # values of this test's own: no other test shares the cache entry
    before = regime_map(("delta", [0.5, 0.9]), **values).values["regime"].tolist()
    classifier = us_iran_model(**values).symbolic_classifier()
    gains = dict(classifier.formulas)["gains"]
    with pytest.raises(TypeError, match="immutable value"):
        gains.clear()
    with pytest.raises(TypeError, match="immutable value"):
        classifier.meta["noise_parameters"].append("b_iran")
    with pytest.raises(TypeError, match="immutable value"):
        classifier.meta["deviation_conditions"] = 0
    assert regime_map(("delta", [0.5, 0.9]), **values).values["regime"].tolist() == before == [1.0, 0.0]
    try:
        regime_map(("b_iran", [1, 3]), method="symbolic", **values)
    except GameError as exc:                # the refusal is for axes the noise's formulas use
        pytest.fail(f"a symbolic axis was refused: {exc}")


def test_the_maps_probability_of_war_is_war_probability_and_war_risk_still_reads(tmp_path):
    """Review 45: the glossary's word for a chance of war is probability; the maps' key was
    ``war_risk``. The key is ``war_probability`` now, and ``war_risk`` reads the same values with
    a DeprecationWarning (for one release) in every place a map gives it."""
    import json

    from deterrence.analysis.maps import regime_at
    point = regime_at(0.9, W_iran=1)
    symbolic = regime_map(("delta", [0.5, 0.9]), ("W_iran", [1, 50]), method="symbolic")
    solved = regime_map(("delta", [0.5, 0.9]), method="solve", executor="serial")
    classifier = dt.us_iran_model().symbolic_classifier().evaluate({"delta": np.array([0.5, 0.9])})
    for new in (point, symbolic.values, solved.values, classifier):
        assert "war_probability" in new and "war_risk" not in list(new)
        with pytest.warns(DeprecationWarning, match="'war_risk' is deprecated.*use 'war_probability'"):
            old = new["war_risk"]
        assert np.array_equal(old, new["war_probability"])
    assert list(symbolic.to_json()["values"]) == ["regime", "war_probability"]
    # a map stopped before the rename is finished from its checkpoint, its points not solved again
    file = tmp_path / "map.json"
    whole = regime_map(("delta", [0.5, 0.9]), method="solve", executor="serial", checkpoint=file)
    data = json.loads(file.read_text())
    data["values"] = {{"war_probability": "war_risk"}.get(k, k): v for k, v in data["values"].items()}
    file.write_text(json.dumps(data))
    again = regime_map(("delta", [0.5, 0.9]), method="solve", executor="serial", checkpoint=file)
    assert list(again.values) == ["regime", "war_probability"]
    assert again.values["war_probability"].tolist() == whole.values["war_probability"].tolist()

"""GameTree: construction, validation errors, parameters, display, TOML files."""
from fractions import Fraction

import pytest
import sympy

import deterrence as dt
from deterrence.core.tree import GameTree, chance, decision, terminal
from deterrence.errors import GameError, GameFileError
from deterrence.models.entry_deterrence import entry_deterrence
from tree_helpers import REAL_TREE_TOML, real_tree_reader  # noqa: F401 (autouse fixture)

read_tree_toml, write_tree_toml = REAL_TREE_TOML.read_tree_toml, REAL_TREE_TOML.write_tree_toml


def simultaneous():
    """Matching-pennies-like simultaneous moves: B does not see A's move."""
    return GameTree(decision("A", {
        "h": decision("B", {"h": terminal([1, -1]), "t": terminal([-1, 1])}, infoset="B"),
        "t": decision("B", {"h": terminal([-1, 1]), "t": terminal([1, -1])}, infoset="B")}),
        players=["A", "B"])


def test_paths_infosets_and_text():
    t = entry_deterrence()
    assert t.paths() == ((), ("out",), ("in",), ("in", "fight"), ("in", "accommodate"))
    assert t.node("in/fight").payoffs == (-1, -1)
    assert t.is_perfect_information and t.has_perfect_recall()
    assert [s.name for s in t.infosets_of("Incumbent")] == ["in"]
    assert "Incumbent (in)" in t.to_text() and "<pre>" in t._repr_html_()
    s = simultaneous()
    assert not s.is_perfect_information
    assert s.infoset_of(("h",)).paths == (("h",), ("t",))


def test_payoffs_exact_and_mapping():
    t = GameTree(decision("US", {"a": terminal({"Iran": 0.1, "US": "1/3"}), "b": terminal([2, 3])}),
                 players=["US", "Iran"])
    assert t.node("a").payoffs == (Fraction(1, 3), Fraction(1, 10))


def test_symbolic_subs_and_defaults():
    t = entry_deterrence(symbolic=True)
    assert t.is_symbolic and t.kind == "symbolic"
    f = sympy.Symbol("f", real=True)
    assert t.node("in/fight").payoffs == (-f, -f)
    assert t.subs(f=5).node("in/fight").payoffs == (-5, -5)
    assert t.with_defaults() == entry_deterrence()
    assert t.with_parameters(f=2) != t and t.with_parameters(f=2).with_defaults() != entry_deterrence()
    with pytest.raises(GameError, match="unknown parameter"):
        t.subs(zz=1)
    u = GameTree(terminal(["x"]), players=["A"], parameters={"x": None})
    with pytest.raises(GameError, match="x have no value"):
        u.with_defaults()


def test_probabilities_must_sum_to_one():
    with pytest.raises(GameError, match=r"node root: probabilities sum to 5/6, not 1"):
        GameTree(chance({"a": ("1/2", terminal([0])), "b": ("1/3", terminal([1]))}), players=["A"])
    with pytest.raises(GameError, match=r"node x: probability of 'a' is 3/2"):
        GameTree(decision("A", {"x": chance({"a": ("3/2", terminal([0])), "b": ("-1/2", terminal([1]))})}),
                 players=["A"])
    with pytest.raises(GameError, match="probabilities sum to"):
        GameTree(chance({"a": ("p", terminal([0])), "b": ("p", terminal([1]))}), players=["A"],
                 parameters={"p": "1/2"})
    ok = GameTree(chance({"a": ("p", terminal([0])), "b": ("1 - p", terminal([1]))}), players=["A"],
                  parameters={"p": "1/2"})
    assert ok.is_symbolic


def test_information_set_moves_must_agree():
    with pytest.raises(GameError, match=r"information set 'B' of B: node t has moves x, y but node h has h, t"):
        GameTree(decision("A", {
            "h": decision("B", {"h": terminal([1, -1]), "t": terminal([-1, 1])}, infoset="B"),
            "t": decision("B", {"x": terminal([-1, 1]), "y": terminal([1, -1])}, infoset="B")}),
            players=["A", "B"])


def test_imperfect_recall_named():
    t = GameTree(decision("A", {"l": decision("A", {"x": terminal([1]), "y": terminal([0])}, "h"),
                                "r": decision("A", {"x": terminal([0]), "y": terminal([1])}, "h")}),
                 players=["A"])
    assert not t.has_perfect_recall()
    with pytest.raises(GameError, match="needs perfect recall: at node r"):
        dt.solve(t)


def test_other_validation_errors():
    with pytest.raises(GameError, match=r"node in: unknown player 'Nobody'"):
        GameTree(decision("A", {"in": decision("Nobody", {"x": terminal([1])})}), players=["A"])
    with pytest.raises(GameError, match=r"node x: 2 payoffs given, the game has 1 players"):
        GameTree(decision("A", {"x": terminal([1, 2])}), players=["A"])
    with pytest.raises(GameError, match="duplicate move label"):
        decision("A", [("x", terminal([1])), ("x", terminal([2]))])
    with pytest.raises(GameError, match="node root: payoff of A: 'c': unknown name 'c'"):
        GameTree(terminal(["c"]), players=["A"], parameters={})
    c = sympy.Symbol("c", real=True)
    with pytest.raises(GameError, match="uses undeclared parameter"):
        GameTree(terminal([c]), players=["A"], parameters={})
    with pytest.raises(GameError, match="absent-mindedness"):
        GameTree(decision("A", {"x": decision("A", {"x": terminal([1]), "z": terminal([2])}, "h"),
                                "z": terminal([0])}, "h"),
                 players=["A"])


TOML = '''
title = "Entry"
players = ["Entrant", "Incumbent"]
[parameters]
f = { value = 1, about = "cost of a fight" }
[tree]
player = "Entrant"
moves.out = [0, 2]
[tree.moves.in]
player = "Incumbent"
moves.fight = ["-f", "-f"]
moves.accommodate = { payoffs = { Entrant = 1, Incumbent = 1 }, outcome = "shared market" }
[claims]
subgame_perfect = [["in", "accommodate"]]
'''


def test_toml_reader_and_round_trip(tmp_path):
    t = read_tree_toml(TOML)
    assert t.title == "Entry" and t.claims["subgame_perfect"] == [["in", "accommodate"]]
    assert t.extra["parameter_notes"] == {"f": "cost of a fight"}
    model = entry_deterrence()     # the model declares more parameters: compare the trees alone
    assert GameTree(t.with_defaults().root, t.players) == GameTree(model.root, model.players)
    assert t.with_defaults() != model                 # equality includes the parameter values
    assert read_tree_toml(write_tree_toml(t)) == t
    path = tmp_path / "entry.toml"
    path.write_text(TOML)
    assert dt.load_game(path) == t           # the normal-form reader dispatches on [tree]
    assert isinstance(dt.solve(dt.load_game(path)), dt.SolveResult)


@pytest.mark.parametrize("text, message", [
    ('players = ["A"]\n[tree]\nplayer = "A"\nmoves.x = [1, 2]\n', "g.toml:4: tree.moves.x.payoffs: 2 payoffs given"),
    ('players = ["A"]\n[tree]\nplayer = "A"\nmoves.x = ["zz"]\n',
     "g.toml:4: tree.moves.x (the payoff of A): 'zz': unknown name"),
    ('players = ["A"]\n[tree]\nprobabilities = { x = "1/2", y = "1/3" }\nmoves.x = [1]\nmoves.y = [2]\n',
     "g.toml:3: node root: probabilities sum to 5/6"),
    ('players = ["A"]\n[tree]\nplayer = "A"\nfoo = 1\nmoves.x = [1]\n', "g.toml:4: tree.foo: unknown key 'foo'"),
    ('players = ["A"]\n[tree]\nplayer = "A"\n', "g.toml:2: tree: a node needs payoffs"),
    ('players = ["A"]\n[tree]\nplayer = "A"\nmoves.x = [1]\n[actions]\nA=["x"]\n',
     "g.toml:5: actions: a tree file has no"),
    ('players = ["A"]\n[tree]\nplayer = "A"\nmoves.x = "__import__(\'os\')"\n', "g.toml:4: tree.moves.x"),
    # a [tree] that only its subtables' headers define: the first of them (a fuzzing review: no line)
    ('players = ["A", "B"]\n\n[tree.moves.a]\nplayer = "B"\nmoves.x = [1, 2]\n',
     "g.toml:3: tree: a decision node needs player"),
])
def test_toml_errors_name_file_and_line(text, message):
    with pytest.raises(GameFileError) as err:
        read_tree_toml(text, file="g.toml")
    assert str(err.value).startswith(message), str(err.value)


def test_draw_tree_agg(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    from deterrence.plot.tree import draw_tree
    from deterrence.solvers.tree.backward_induction import subgame_perfect
    t = simultaneous()
    ax = draw_tree(t, equilibrium=subgame_perfect(t)[0])
    texts = [x.get_text() for x in ax.texts]
    # B's set of two nodes, named after B, is shown by the dashed line, not by the label again
    assert "A" in texts and "B" in texts and "B (B)" not in texts and "(1, -1)" in texts
    assert any(line.get_linestyle() == "--" for line in ax.lines)      # the information set
    ax.figure.savefig(tmp_path / "tree.png")
    assert (tmp_path / "tree.png").stat().st_size > 0


from hypothesis import given, settings, HealthCheck  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from test_backward_induction import pi_trees, stage_trees  # noqa: E402


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(pi_trees(), stage_trees()))
def test_random_trees_round_trip_through_toml_and_efg(tree):
    from deterrence.io.gambit_efg import parse_efg, write_efg
    assert read_tree_toml(write_tree_toml(tree)) == tree
    assert parse_efg(write_efg(tree)) == tree


def _edge_widths(ax, pos):
    """(parent path, child path) -> linewidth of the edge drawn between them."""
    by_xy = {}
    for line in ax.lines:
        xs, ys = line.get_xdata(), line.get_ydata()
        if len(xs) == 2:
            by_xy[(float(xs[0]), float(ys[0]), float(xs[1]), float(ys[1]))] = line.get_linewidth()
    out = {}
    for child, (cx, cy) in pos.items():
        if child:
            px, py = pos[child[:-1]]
            out[child] = by_xy[(px, py, cx, cy)]
    return out


def test_draw_tree_thick_chance_edges_only_on_the_equilibrium_path():
    import matplotlib
    matplotlib.use("Agg")
    import deterrence as dt
    from deterrence.plot.tree import draw_tree, tree_layout
    tree = dt.load_game("us_iran_escalation_ladder")
    spe = dt.solve(tree).equilibria[0]
    ax = draw_tree(tree, equilibrium=spe)
    w = _edge_widths(ax, tree_layout(tree))
    # Iran strikes; chance decides; the US answers; Iran holds: the chance node below
    # Iran's (never played) second strike is off the path
    assert spe.actions["strike/as_meant/strike"] == "hold"
    thin = 0.8
    assert w[("strike", "as_meant")] > thin and w[("strike", "further")] > thin
    for first in ("as_meant", "further"):
        off = ("strike", first, "strike", "strike")
        assert w[off + ("as_meant",)] == thin and w[off + ("further",)] == thin
    assert w[("hold",)] == thin
    import matplotlib.pyplot as plt
    plt.close("all")


def _overlaps(ax):
    fig = ax.figure
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(r)) for t in ax.texts if t.get_text()]
    return [(a, b) for k, (a, ba) in enumerate(boxes) for b, bb in boxes[k + 1:] if ba.overlaps(bb)]


def test_draw_tree_labels_do_not_collide():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import deterrence as dt
    from deterrence.models.escalation_ladder import escalation_ladder
    from deterrence.models.proxy_targets import proxy_targets
    from deterrence.plot.tree import draw_tree
    ladder = dt.load_game("us_iran_escalation_ladder")
    for tree in (ladder, ladder.with_defaults(), proxy_targets(), escalation_ladder(4)):
        ax = draw_tree(tree, equilibrium=dt.solve(tree).equilibria[0])
        assert _overlaps(ax) == []
        # on axes of the notebooks' size too (fonts shrink if the axes are too narrow)
        fig, ax = plt.subplots(figsize=(11, 5))
        draw_tree(tree, ax=ax, equilibrium=dt.solve(tree).equilibria[0])
        assert _overlaps(ax) == []
        plt.close("all")


def test_tree_equality_and_hash_include_parameter_values():
    t = entry_deterrence(symbolic=True)
    assert t == t.with_parameters(f=t.parameters["f"]) and hash(t) == hash(t.with_parameters(f=t.parameters["f"]))
    assert t != t.with_parameters(f=7)
    assert len({t, t.with_parameters(f=7)}) == 2


@pytest.mark.parametrize("build", [
    lambda: decision("US", {"hold": terminal([0, 0]), "a/b": terminal([1, 1])}),
    lambda: decision("US", [("a/b", terminal([1, 1]))], label="first move"),
    lambda: chance({"up/down": ("1/2", terminal([0, 0])), "flat": ("1/2", terminal([1, 1]))}),
])
def test_a_slash_in_a_move_label_is_refused_when_the_node_is_built(build):
    # a '/' used to pass, after which node("a/b") failed and the tree's TOML could not be read back
    with pytest.raises(GameError) as err:
        build()
    message = str(err.value)
    assert "/" in message and "contains '/'" in message
    assert ("'a/b'" in message and "decision node of US" in message) or \
           ("'up/down'" in message and "chance node" in message)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=8).filter(lambda s: s == s.strip() and "," not in s))
def test_move_labels_round_trip_or_are_refused(label):
    # (commas and edge spaces, which game files refuse in labels, are outside this property)
    try:
        t = GameTree(decision("A", {label: terminal([1]), label + "_": terminal([0])}), players=["A"])
    except GameError as exc:
        assert "/" in label or not label.strip(), (label, exc)
        return
    assert "/" not in label
    assert t.node((label,)).payoffs == (1,)
    again = read_tree_toml(write_tree_toml(t))
    assert again == t


@pytest.mark.parametrize("payoff", ["sqrt(-3) + a", "log(-1) * a", "a + 1/(a - a)"])
def test_a_payoff_formula_that_is_not_a_finite_real_is_refused(payoff):
    # sqrt(-3) + a used to be accepted and written as "a + sqrt(3)*I", which no reader takes back
    with pytest.raises(GameError, match="node root: payoff of A"):
        GameTree(terminal([payoff]), players=["A"], parameters={"a": 1})


def test_trees_with_information_sets_and_mixed_moves_draw_without_collisions():
    """The signalling and poker trees, with their set names on the nodes and mixed moves'
    probabilities on the edges: no two labels overlap (the layout had counted the whole figure's
    width for the tree, but the axes get only part of it, so the deterrence signalling game's
    'challenge' and 'no_challenge' ran together even without an equilibrium)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import deterrence as dt
    from deterrence.plot.tree import draw_tree
    for name, method in (("deterrence_signalling", "quasi_perfect"), ("beer_quiche", "sequential"),
                         ("kuhn_poker", "sequence_lcp")):
        tree = dt.load_game(name)
        for ax in (draw_tree(tree), draw_tree(tree, equilibrium=dt.solve(tree, method)[0])):
            assert _overlaps(ax) == [] and _too_close(ax) == [], name
        plt.close("all")


def _too_close(ax):
    """Labels on one row with less than a space between them: they read as one word."""
    fig = ax.figure
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(r), t.get_fontsize()) for t in ax.texts if t.get_text()]
    space = lambda size: 0.6 * size * fig.dpi / 72   # a space and the white boxes' pads  # noqa: E731
    return [(a, b) for k, (a, ba, sa) in enumerate(boxes) for b, bb, sb in boxes[k + 1:]
            if min(ba.y1, bb.y1) > max(ba.y0, bb.y0)                   # on one row
            and max(ba.x0, bb.x0) - min(ba.x1, bb.x1) < space(min(sa, sb))]


def _drawn_segments(line):
    """The segments (start, end), in display pixels, that a Line2D draws: its polyline, or for
    a line of markers the marker's path at each of its points."""
    import numpy as np
    from matplotlib.markers import MarkerStyle
    points = line.get_transform().transform(np.asarray(line.get_xydata(), dtype=float))
    if line.get_linestyle() not in ("None", "none", " ", ""):
        return list(zip(points[:-1], points[1:]))
    marker = MarkerStyle(line.get_marker())
    shape = marker.get_path().transformed(marker.get_transform()).vertices
    shape = shape * line.get_markersize() * line.figure.dpi / 72
    return [(p + a, p + b) for p in points for a, b in zip(shape[:-1], shape[1:])]


def _distance(point, segment):
    import numpy as np
    a, b = segment
    ab = b - a
    t = 0.0 if not ab.any() else min(1.0, max(0.0, float(np.dot(point - a, ab) / np.dot(ab, ab))))
    return float(np.hypot(*(point - (a + t * ab))))


def _one_piece(segments, reached):
    """Whether the segments, joined where an end of one lies on another (within a pixel), connect
    every set of segments in ``reached`` (those at one node of the set)."""
    piece = set(reached[0])
    grown = True
    while grown:
        grown = False
        for k, seg in enumerate(segments):
            if k not in piece and any(min(_distance(end, segments[j]) for end in seg) <= 1.0
                                      or min(_distance(end, seg) for end in segments[j]) <= 1.0 for j in piece):
                piece.add(k)
                grown = True
    return all(piece & r for r in reached)


def _information_set_contacts(tree, ax, equilibrium=None):
    """Checks the connectors of the information sets of several nodes drawn on ``ax``, in display
    pixels: (set, node) pairs where a connector of the set touches a node outside it (comes
    within the node's circle, its edge and half the connector's width), and the sets whose drawn
    connectors do not reach each of their nodes or do not join them all in one piece."""
    from deterrence.plot.tree import tree_layout
    ax.figure.canvas.draw()
    pos = tree_layout(tree, equilibrium)
    centre = {p: ax.transData.transform(xy) for p, xy in pos.items()}
    pixels = ax.figure.dpi / 72
    touches, unjoined = [], []
    for s in tree.infosets.values():
        if len(s.paths) < 2:
            continue
        lines = [line for line in ax.lines if line.get_gid() == f"information set {s.player}:{s.name}"]
        segments = [(seg, line.get_linewidth() if line.get_linestyle() != "None" else line.get_markeredgewidth())
                    for line in lines for seg in _drawn_segments(line)]
        # every node of the set is reached by a connector (the circle's centre, under its white face),
        # and the connectors with the nodes they reach form one piece: no node is left on its own
        reached = [{k for k, (seg, _) in enumerate(segments) if _distance(centre[p], seg) <= 0.5} for p in s.paths]
        if not all(reached) or not _one_piece([seg for seg, _ in segments], reached):
            unjoined.append(s.name)
        for p in pos:
            if p in s.paths:
                continue
            for seg, width in segments:
                if _distance(centre[p], seg) <= (9 / 2 + 0.5 + width / 2) * pixels:
                    touches.append((s.name, p))
    return touches, unjoined


@st.composite
def interleaved_trees(draw):
    """Two rows of decision nodes whose information sets are drawn from small pools, so that
    sets interleave with each other, with one-node sets and with leaves on the same row."""
    counter = [0]

    def leaf():
        counter[0] += 1
        return terminal([counter[0], -counter[0]])

    def lower():
        kind = draw(st.sampled_from(["leaf", "j0", "j1", "j2", None]))
        if kind == "leaf":
            return leaf()
        return decision("C", {"u": leaf(), "v": leaf()}, infoset=kind)

    def upper():
        kind = draw(st.sampled_from(["leaf", "i0", "i1", "i2", None]))
        if kind == "leaf":
            return leaf()
        return decision("B", {"l": lower(), "r": lower()}, infoset=kind)

    n = draw(st.integers(3, 6))
    return GameTree(chance({f"c{k}": (Fraction(1, n), upper()) for k in range(n)}), players=["B", "C"])


@st.composite
def cross_row_trees(draw):
    """A's nodes (leaves below them, so A never forgets a move of its own) at several depths
    under chance and B's nodes of one node each, in information sets drawn from a small pool:
    sets whose nodes lie on several rows, among other nodes and leaves."""
    counter = [0]

    def leaf():
        counter[0] += 1
        return terminal([counter[0], -counter[0]])

    def node(depth):
        kind = draw(st.sampled_from(["leaf", "h0", "h1", None, "B", "B"] if depth < 3 else ["leaf", "h0", "h1"]))
        if kind == "leaf":
            return leaf()
        if kind == "B":
            return decision("B", {f"b{k}": node(depth + 1) for k in range(draw(st.integers(1, 3)))})
        return decision("A", {"x": leaf(), "y": leaf()}, infoset=kind)

    n = draw(st.integers(2, 4))
    return GameTree(chance({f"c{k}": (Fraction(1, n), node(1)) for k in range(n)}), players=["A", "B"])


def test_tutorial_signalling_tree_connectors_avoid_other_sets_nodes():
    """Tutorial 11's signalling tree: the dashed line of the challenger's set 'after_mobilise'
    ran through the circle of the 'after_stay' node between its two nodes (and the other set's
    line under the next one), so that a reader could take three nodes for one set."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from deterrence.plot.tree import draw_tree
    for name, method in (("deterrence_signalling", "quasi_perfect"), ("beer_quiche", "sequential")):
        tree = dt.load_game(name)
        fig, ax = plt.subplots(figsize=(10, 4.5))            # the tutorial's axes
        draw_tree(tree, ax=ax)
        assert _information_set_contacts(tree, ax) == ([], []), name
        equilibrium = dt.solve(tree, method)[0]
        ax = draw_tree(tree, equilibrium=equilibrium)       # a figure of its own size
        assert _information_set_contacts(tree, ax, equilibrium) == ([], []), name
        ax.figure.set_dpi(200)                               # points, not pixels: another dpi keeps the gaps
        assert _information_set_contacts(tree, ax, equilibrium) == ([], []), name
        plt.close("all")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(interleaved_trees(), cross_row_trees()))
def test_interleaved_information_sets_never_run_through_other_nodes(tree):
    """Sets interleaved on a row, or with nodes on several rows: every set's nodes are joined in
    one piece and no connector comes within another node's circle."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from deterrence.plot.tree import draw_tree
    ax = draw_tree(tree)
    assert _information_set_contacts(tree, ax) == ([], [])
    plt.close("all")


def test_interleaved_sets_hand_built():
    """B's sets x = {1, 3} and y = {2, 4} interleave, and z = {5, 8} has a leaf (6) and a one-node
    set (7) between its nodes: none of them is drawn through another node; the adjacent nodes of
    w = {9, 10} keep the textbook straight line through their centres."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from deterrence.plot.tree import draw_tree

    def b(name):
        return decision("B", {"l": terminal([0, 1]), "r": terminal([1, 0])}, infoset=name)

    nodes = [b("x"), b("y"), b("x"), b("y"), b("z"), terminal([2, 2]), b(None), b("z"), b("w"), b("w")]
    tree = GameTree(chance({f"c{k}": ("1/10", node) for k, node in enumerate(nodes, start=1)}), players=["A", "B"])
    ax = draw_tree(tree)
    assert _information_set_contacts(tree, ax) == ([], [])
    straight = [line for line in ax.lines if line.get_gid() == "information set B:w"]
    assert len(straight) == 1 and list(straight[0].get_ydata()) == [-1, -1]
    assert straight[0].get_transform() is ax.transData
    plt.close("all")


def test_information_sets_across_rows_hand_built():
    """A set whose nodes lie on different rows is joined across them (commit 3c489b1 drew no
    connector at all for it): chance -> A at h and B -> A at h a row lower (a leaf of the first
    A lies between them); two and three rows apart with B's nodes in between; two nodes on one
    row and one on the next; nodes on three rows. Every node is joined to the others and no
    connector comes within another node's circle, at two resolutions."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from deterrence.plot.tree import draw_tree

    def a(name):
        return decision("A", {"x": terminal([0, 1]), "y": terminal([1, 0])}, infoset=name)

    def b(*children):
        return decision("B", {f"b{k}": c for k, c in enumerate(children)})

    def game(*children):
        return GameTree(chance({f"c{k}": (Fraction(1, len(children)), c) for k, c in enumerate(children)}),
                        players=["A", "B"])

    trees = [game(a("h"), b(a("h"), terminal([2, 2]))),
             game(a("h"), b(terminal([3, 3]), b(a("h"), terminal([2, 2])), terminal([4, 4])), a(None)),
             game(b(b(a("h"), terminal([1, 1])), terminal([2, 2])), b(terminal([3, 3]), a("h"))),
             game(a("h"), a("h"), b(a("h"), terminal([5, 5]))),
             game(a("h"), b(b(b(a("h"), terminal([6, 6])))), a("h")),
             game(b(a("h")), a("h"), b(terminal([7, 7]), b(a("h"))))]
    for k, tree in enumerate(trees):
        ax = draw_tree(tree)
        assert _information_set_contacts(tree, ax) == ([], []), k
        ax.figure.set_dpi(200)
        assert _information_set_contacts(tree, ax) == ([], []), k
        plt.close("all")


def test_an_error_at_a_node_whose_move_has_a_space_names_its_line(tmp_path):
    """The reader found the node of a tree's error by matching ``node (\\S+)`` in its message, which
    cut the move "go on" to "go" and named the [tree] header's line (3); the error carries the
    node's path (NodeError) and the line is the node's own (an error review)."""
    from deterrence.core.tree import NodeError
    text = ('players = ["A", "B"]\n\n[tree]\nplayer = "A"\nmoves.quit = [0, 0]\n\n[tree.moves."go on"]\n'
            'probabilities = { hi = "1/2", lo = "1/3" }\nmoves.hi = [1, 1]\nmoves.lo = [2, 2]\n')
    path = tmp_path / "g.toml"
    path.write_text(text)
    with pytest.raises(GameFileError) as caught:
        dt.load_game(path)
    assert str(caught.value) == f"{path}:8: node go on: probabilities sum to 5/6, not 1"
    with pytest.raises(NodeError) as caught:
        GameTree(decision("A", {"go on": chance({"hi": ("1/2", terminal([1, 1])), "lo": ("1/3", terminal([2, 2]))}),
                                "quit": terminal([0, 0])}), players=["A", "B"])
    assert (caught.value.path, caught.value.key) == (("go on",), "probabilities")


def test_an_information_set_error_names_the_line_of_its_node_whatever_the_names(tmp_path):
    """The reader found the node of an information set's error by matching ``node (\\S+)`` in its
    message: an information set "node a" or a node "go on" named the [tree] header's line (2); the
    error carries the later node's path (NodeError), so the line is that node's (an error review)."""
    from deterrence.core.tree import NodeError
    differ = ('players = ["US", "Iran"]\n[tree]\nplayer = "Iran"\n[tree.moves.stop]\nplayer = "US"\n'
              'infoset = "INFOSET"\nmoves.hold = [0, 0]\nmoves.strike = [1, 1]\n[tree.moves."go on"]\n'
              'player = "US"\ninfoset = "INFOSET"\nmoves.hold = [0, 0]\nmoves.hit = [1, 1]\n')
    absent = ('players = ["US", "Iran"]\n[tree]\nplayer = "US"\ninfoset = "INFOSET"\nmoves.stop = [0, 0]\n'
              '[tree.moves."go on"]\nplayer = "US"\ninfoset = "INFOSET"\nmoves.stop = [0, 0]\n'
              'moves."go on" = [1, 1]\n')
    for name in ("US: after strike", "node a", "x"):
        for text, line, words in ((differ, 12, "node go on has moves hold, hit but node stop has hold, strike"),
                                  (absent, 8, "node go on follows node root of the same set")):
            path = tmp_path / "g.toml"
            path.write_text(text.replace("INFOSET", name))
            with pytest.raises(GameFileError) as caught:
                dt.load_game(path)
            assert str(caught.value).startswith(f"{path}:{line}: information set {name!r} of US: {words}")
    with pytest.raises(NodeError) as caught:
        GameTree(decision("US", {"a": terminal([0, 0]), "go on": decision("US", {"a": terminal([0, 0])}, "s")}, "s"),
                 players=["US", "Iran"])
    assert (caught.value.path, caught.value.key) == (("go on",), "moves")

"""Size guards that fire before the work and can be raised by an option (issue 17, deliver 4):
finite horizons of ``discounted_values`` and ``finite_one_shot_deviation``."""
from fractions import Fraction

import pytest

from deterrence import analyse_repeated, discounted_values, finite_one_shot_deviation, load_game
from deterrence.errors import GameError, TooLargeError
from deterrence.solvers.repeated.finite_horizon import MAX_HORIZON, MAX_SYMBOLIC_HORIZON

PD = load_game("prisoners_dilemma")          # R, S, T, P = 3, 0, 5, 1 at the defaults
PD_NUMBERS = PD.with_defaults()


@pytest.mark.parametrize("function", [discounted_values, finite_one_shot_deviation])
@pytest.mark.parametrize("horizon", [10**60, 10**4, MAX_HORIZON + 1])
def test_huge_horizons_are_refused_before_the_work_naming_max_horizon(function, horizon):
    with pytest.raises(TooLargeError, match=r"a horizon of .* rounds is over the limit of 200 .*max_horizon="):
        function(PD_NUMBERS, ["tft", "alld"], horizon=horizon, delta=1)


def test_a_raised_max_horizon_is_honoured():
    T = MAX_HORIZON + 1
    # tit-for-tat against always-defect with plain averages: S once, then P; T once, then P
    expected = (Fraction(0 + (T - 1) * 1, T), Fraction(5 + (T - 1) * 1, T))
    assert discounted_values(PD_NUMBERS, ["tft", "alld"], horizon=T, delta=1, max_horizon=T).payoffs == expected
    check = finite_one_shot_deviation(PD_NUMBERS, ["tft", "alld"], horizon=T, delta=1, max_horizon=T)
    assert check.payoffs == expected
    # always-defect against itself is subgame perfect in the finite game (unique stage equilibrium)
    assert finite_one_shot_deviation(PD_NUMBERS, "alld", horizon=T, delta=1, max_horizon=T).subgame_perfect
    # analyse_repeated passes its max_horizon on to the backward induction
    a = analyse_repeated(PD, ["tft", "alld"], horizon=T, delta=1, max_horizon=T, within=0)
    assert a.payoffs == expected
    # a lowered limit refuses what the default allows
    with pytest.raises(TooLargeError, match="max_horizon=5"):
        finite_one_shot_deviation(PD, "alld", horizon=5, delta=1, max_horizon=4)


def test_formulas_have_a_smaller_horizon_limit_that_says_how_to_avoid_it():
    T = MAX_SYMBOLIC_HORIZON + 1
    with pytest.raises(TooLargeError, match=r"left as formulas; give the parameters values first, "
                                            rf"or pass max_horizon={T}"):
        discounted_values(PD, ["tft", "alld"], horizon=T, delta="1/2")
    # the same horizon with numbers is under the numeric limit and answered
    values = discounted_values(PD_NUMBERS, ["tft", "alld"], horizon=T, delta=1).payoffs
    assert values == (Fraction(T - 1, T), Fraction(5 + T - 1, T))


@pytest.mark.parametrize("bad", [0, -1, "10", 2.5, True])
def test_max_horizon_must_be_a_whole_number(bad):
    with pytest.raises(GameError, match="max_horizon"):
        finite_one_shot_deviation(PD, "alld", horizon=3, delta=1, max_horizon=bad)


# -- the depth of a game tree: MAX_DEPTH by default, max_depth= to raise it ------------------
def _chain(depth, end=(1, 1)):
    from deterrence import decision, terminal
    node = terminal(list(end))
    for i in range(depth):
        node = decision("AB"[i % 2], {"stop": terminal([i, -i]), "go": node})
    return node


def _backward_induction_by_loop(depth):
    """The payoffs of the chain's subgame-perfect play, by a loop (node i = i levels above the end)."""
    value = (1, 1)
    for i in range(depth):
        mover = i % 2
        if (i, -i)[mover] > value[mover]:
            value = (i, -i)
    return value


def _efg_chain(depth, path):
    lines = ['EFG 2 R "chain" { "A" "B" }', '""']
    for i in reversed(range(depth)):      # the root is the deepest level of _chain
        lines.append(f'p "" {i % 2 + 1} {depth - i} "" {{ "stop" "go" }} 0')
        lines.append(f't "" {depth - i} "" {{ {i}, {-i} }}')
    lines.append(f't "" {depth + 1} "" {{ 1, 1 }}')
    path.write_text("\n".join(lines) + "\n")
    return path


def test_tree_depth_limit_is_raised_by_max_depth_in_the_api(tmp_path):
    from deterrence import GameTree, solve
    from deterrence.core.tree import MAX_DEPTH
    depth = MAX_DEPTH + 100
    with pytest.raises(TooLargeError, match=rf"deeper than {MAX_DEPTH} levels.*max_depth="):
        GameTree(_chain(depth), players=["A", "B"])
    tree = GameTree(_chain(depth), players=["A", "B"], max_depth=depth)
    (spe,) = solve(tree).equilibria
    assert spe.payoffs == _backward_induction_by_loop(depth)
    # trees made from it keep the limit: a parameter's value is put in by building a new tree
    symbolic = GameTree(_chain(depth, end=("c", 1)), players=["A", "B"], parameters={"c": 1}, max_depth=depth)
    assert symbolic.is_symbolic and solve(symbolic.with_defaults()).equilibria[0].payoffs == spe.payoffs
    with pytest.raises(TooLargeError, match="deeper than 350 levels"):
        GameTree(_chain(depth), players=["A", "B"], max_depth=350)
    # the readers: refused with the line by default, read and solved with max_depth
    path = _efg_chain(depth, tmp_path / "chain.efg")
    with pytest.raises(GameError, match=r"chain.efg:\d+: tree nested too deeply \(over 300 levels\).*max_depth="):
        load_game(path)
    (spe,) = solve(load_game(path, max_depth=depth)).equilibria
    assert spe.payoffs == _backward_induction_by_loop(depth)


@pytest.mark.parametrize("bad", [0, -3, "400", 2.5, True])
def test_max_depth_must_be_a_whole_number(bad):
    from deterrence import GameTree
    with pytest.raises(GameError, match="max_depth"):
        GameTree(_chain(3), players=["A", "B"], max_depth=bad)


def test_cli_raises_the_tree_depth_with_limit_max_depth(tmp_path, capsys):
    from deterrence.cli import main
    path = _efg_chain(400, tmp_path / "chain.efg")
    assert main(["solve", str(path)]) == 2
    err = capsys.readouterr().err
    assert "tree nested too deeply" in err and "--limit max_depth=N" in err and "pass max_depth" not in err
    assert main(["solve", str(path), "--limit", "max_depth=400", "--json"]) == 0
    import json
    out = json.loads(capsys.readouterr().out)
    payoffs = [int(v) for v in out["equilibria"][0]["payoffs"]]
    assert tuple(payoffs) == _backward_induction_by_loop(400)


def test_max_depth_has_a_ceiling():
    from deterrence.core.tree import DEEPEST_ALLOWED, GameTree
    from deterrence.errors import TooLargeError
    with pytest.raises(TooLargeError, match=r"over 10,000 levels, the deepest tree.*square of the depth"):
        GameTree(_chain(3), players=["A", "B"], max_depth=DEEPEST_ALLOWED + 1)
    assert GameTree(_chain(3), players=["A", "B"], max_depth=DEEPEST_ALLOWED)

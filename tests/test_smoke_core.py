from peer import HAVE_PEER_GAMES, PEER_DIR  # noqa: F401  (import works from tests/)
import deterrence as dt


def test_prisoners_dilemma_pure():
    g = dt.NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    assert [e.strategies for e in dt.solve(g, "pure")] == [((0, 1), (0, 1))]

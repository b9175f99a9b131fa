"""Drawing game trees with matplotlib.

Decision nodes are circles labelled with the player, chance nodes grey
squares, terminals show their payoffs; edges carry the move labels (and the
probabilities of chance moves); nodes of one information set are joined by a
dashed line. Given an equilibrium (from
:func:`deterrence.solvers.backward_induction.subgame_perfect`), the moves it
plays are drawn thick.

Sources: the drawing conventions of Osborne and Rubinstein (1994), A Course in
Game Theory, ch. 6 and 11, and of Gambit's tree view.

Steps: lay out leaves left to right (one slot each), place every interior
node above the middle of its children, depth by depth downward; draw edges,
nodes, labels, then information-set links. matplotlib is imported inside the
function, so ``import deterrence`` stays light.
"""
from __future__ import annotations

from .core.numbers import format_exact
from .core.tree import Chance, Decision, GameTree, Terminal, path_name


def tree_layout(tree: GameTree) -> dict:
    """Positions ``path -> (x, y)``: leaves at x = 0, 1, 2, ...; depth as -y.

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> tree_layout(entry_deterrence())[()]
    (0.75, 0)
    """
    pos, slot = {}, [0]

    def place(node, path):
        if isinstance(node, Terminal):
            x = float(slot[0])
            slot[0] += 1
        else:
            xs = [place(c, path + (m,)) for m, c in zip(node.labels, node.children)]
            x = (xs[0] + xs[-1]) / 2
        pos[path] = (x, -len(path))
        return x

    place(tree.root, ())
    return {p: (x, y) for p, (x, y) in pos.items()}


def draw_tree(tree: GameTree, ax=None, equilibrium=None, fontsize: int = 9):
    """Draw ``tree`` on matplotlib axes (new ones if ``ax`` is None); returns the axes.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> from deterrence.solvers.backward_induction import subgame_perfect
    >>> t = entry_deterrence()
    >>> ax = draw_tree(t, equilibrium=subgame_perfect(t)[0])
    >>> "Incumbent" in [x.get_text() for x in ax.texts]
    True
    """
    import matplotlib.pyplot as plt
    if ax is None:
        _, ax = plt.subplots(figsize=(max(4, len([1 for _, n in tree.nodes() if isinstance(n, Terminal)]) * 0.9), 4))
    pos = tree_layout(tree)
    played = set()
    if equilibrium is not None:
        for path, node in tree.nodes():
            if isinstance(node, Decision):
                dist = equilibrium.behaviour[(node.player, tree.infoset_of(path).name)]
                played |= {path + (m,) for m, q in dist.items() if q > 0}
    for path, node in tree.nodes():
        x, y = pos[path]
        if isinstance(node, Terminal):
            ax.text(x, y - 0.12, "(" + ", ".join(str(v) for v in node.payoffs) + ")", ha="center", va="top",
                    fontsize=fontsize)
            ax.plot([x], [y], marker="o", markersize=3, color="black")
            continue
        probs = dict((m, p) for m, p, _ in node.moves) if isinstance(node, Chance) else {}
        for m in node.labels:
            cx, cy = pos[path + (m,)]
            thick = path + (m,) in played or (isinstance(node, Chance) and equilibrium is not None)
            ax.plot([x, cx], [y, cy], color="black", linewidth=2.5 if thick else 0.8, zorder=1)
            text = m + (f" [{format_exact(probs[m]) if not hasattr(probs[m], 'free_symbols') else probs[m]}]"
                        if m in probs else "")
            ax.text((x + cx) / 2, (y + cy) / 2, text, ha="center", va="center", fontsize=fontsize - 1,
                    bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none"))
        if isinstance(node, Chance):
            ax.plot([x], [y], marker="s", markersize=9, color="0.6", zorder=2)
            ax.text(x, y + 0.12, "chance", ha="center", va="bottom", fontsize=fontsize)
        else:
            ax.plot([x], [y], marker="o", markersize=9, color="white", markeredgecolor="black", zorder=2)
            ax.text(x, y + 0.12, node.player, ha="center", va="bottom", fontsize=fontsize)
    for s in tree.infosets.values():
        if len(s.paths) > 1:
            pts = sorted(pos[p] for p in s.paths)
            ax.plot([p[0] for p in pts], [p[1] for p in pts], linestyle="--", color="tab:blue", zorder=0)
    if tree.title:
        ax.set_title(tree.title)
    ax.set_axis_off()
    ys = [y for _, y in pos.values()]
    ax.set_ylim(min(ys) - 0.6, 0.5)
    return ax


__all__ = ["draw_tree", "tree_layout"]

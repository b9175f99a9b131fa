"""Drawing game trees with matplotlib.

Decision nodes are circles labelled with the player, chance nodes grey
squares, terminals show their payoffs; edges carry the move labels (and the
probabilities of chance moves); nodes of one information set are joined by a
dashed line, or, where another node lies between them, by a bracket under
their row, and across rows by a dashed path around the nodes between. Given an equilibrium (from
:func:`deterrence.solvers.tree.backward_induction.subgame_perfect`), the moves it
plays are drawn thick: black on its path of play, grey where it is never
reached.

Sources: the drawing conventions of Osborne and Rubinstein (1994), A Course in
Game Theory, ch. 6 and 11, and of Gambit's tree view.

Steps: lay out leaves left to right (each as wide as its payoff text, siblings
pushed apart until their edge labels fit), place every interior node above
the middle of its children, depth by depth downward; draw edges, nodes,
labels, then information-set links (a bracket under the row where another
node lies between a set's nodes; a path through a gap between the nodes from
one row to the next). matplotlib is imported inside the
function, so ``import deterrence`` stays light.
"""
from __future__ import annotations

from deterrence.core.numbers import format_exact, format_short
from deterrence.core.tree import Chance, Decision, GameTree, Terminal, path_name, require_recursion_room
from deterrence.core.validate import public_boundary
from deterrence.plot._literal import literal_labels


def _edge_text(node, label) -> str:
    """The text on an edge: the move, and for a chance move its probability.

    >>> from deterrence.core.tree import chance, terminal
    >>> _edge_text(chance({"a": ("1/3", terminal([0])), "b": ("2/3", terminal([1]))}), "a")
    'a [1/3]'
    """
    if isinstance(node, Chance):
        p = dict((m, q) for m, q, _ in node.moves)[label]
        return f"{label} [{p if hasattr(p, 'free_symbols') else format_exact(p)}]"
    return label


def _move_text(tree, path, node, label, equilibrium) -> str:
    """The text on an edge, and with an ``equilibrium`` the probability of a move it mixes,
    in the brackets of a chance move's probability: a student sees ``duel [1/2]`` where two
    thick edges would otherwise leave the mixture unsaid.

    >>> from deterrence.io import load_game
    >>> from deterrence.solvers import solve
    >>> bq = load_game("beer_quiche")
    >>> e = solve(bq, "sequential")[0]
    >>> _move_text(bq, ("weak", "quiche"), bq.node(("weak", "quiche")), "duel", e)
    'duel [1/2]'
    """
    text = _edge_text(node, label)
    if equilibrium is None or not isinstance(node, Decision):
        return text
    q = equilibrium.behaviour[(node.player, tree.infoset_of(path).name)].get(label, 0)
    return text if q in (0, 1) else f"{text} [{format_short(q)}]"


def _node_text(tree, path, node) -> str:
    """A decision node's label: its player, and where the tree has information sets of
    several nodes, the set's name too (the ``P:I`` of an ``.efg`` file, as the solvers'
    text and JSON name the sets), so the figure and the printed strategies meet."""
    if isinstance(node, Chance):
        return "chance"
    own = tree.infoset_of(path)
    # a one-node set named after its node (no name in the file) needs no name in the figure
    # nor a set named after its player, of one node or several ("Challenger (challenger)" read as
    # a stutter in notebook 03's tree: a review; the dashed line still shows the set)
    if not any(len(s.paths) > 1 for s in tree.infosets.values()) or \
            (len(own.paths) == 1 and own.name == path_name(path)) or own.name.lower() == str(node.player).lower():
        return str(node.player)
    return f"{node.player} ({own.name})"


def _payoff_text(node) -> str:
    return "(" + ", ".join(str(v) for v in node.payoffs) + ")"


#: Average width of one character, in units of the font size (DejaVu Sans, with some slack).
_CHAR = 0.62
#: Horizontal gap between neighbouring labels, in characters.
_PAD = 2.0
#: Width of a node label's character (bold, one point larger) in characters of the label font.
_NODE_FONT = 1.3


#: Marker size of decision and chance nodes, in points (the circle's diameter).
_NODE_SIZE = 9
#: How far under its row the first bracket of an information set runs (clear of the nodes'
#: circles by 5 points), and how much deeper each further bracket of the row, in points.
_BRACKET_CLEAR, _BRACKET_STEP = _NODE_SIZE / 2 + 5.0, 4.0
#: Half the gap between nodes (in characters of the label font) wanted for the vertical line that
#: joins an information set's nodes on different rows: a character is about 5 points, two keep
#: the line clear of a 4.5-point circle and the line's width.
_CROSS_CLEAR = 2.0


@public_boundary
def tree_layout(tree: GameTree, equilibrium=None) -> dict:
    """Positions ``path -> (x, y)``; x in characters of the label font, depth as -y.

    Leaves are placed left to right, each as wide as its payoff text, and
    siblings are pushed apart until the labels on their edges (drawn at the
    middle of each edge) and the player names above them have room, so that no
    two labels of the drawing overlap. Every interior node sits above the
    middle of its first and last child.

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> pos = tree_layout(entry_deterrence())
    >>> pos[()][1], pos[("in",)][1], pos[("out",)][0] < pos[()][0] < pos[("in",)][0]
    (0, -1, True)
    """
    require_recursion_room(tree, "drawing a tree")
    pos = {}

    def own_width(node, path):
        if isinstance(node, Terminal):
            return len(_payoff_text(node)) + _PAD
        # node labels are bold and a point larger than the move and payoff labels
        return _NODE_FONT * len(_node_text(tree, path, node)) + _PAD

    def shift(path, node, dx):
        x, y = pos[path]
        pos[path] = (x + dx, y)
        if not isinstance(node, Terminal):
            for m, c in zip(node.labels, node.children):
                shift(path + (m,), c, dx)

    def place(node, path, left):
        """Place the subtree with its left edge at ``left``; returns (x, right edge)."""
        if isinstance(node, Terminal):
            w = own_width(node, path)
            pos[path] = (left + w / 2, -len(path))
            return left + w / 2, left + w
        xs, right = [], left
        texts = [_move_text(tree, path, node, m, equilibrium) for m in node.labels]
        for k, (m, c) in enumerate(zip(node.labels, node.children)):
            x, r = place(c, path + (m,), right)
            if k:
                # labels at mid-edge are half as far apart as the children: twice their widths
                need = len(texts[k - 1]) + len(texts[k]) + 2 * _PAD
                if x - xs[-1] < need:
                    d = need - (x - xs[-1])
                    shift(path + (m,), c, d)
                    x, r = x + d, r + d
            xs.append(x)
            right = r
        x = (xs[0] + xs[-1]) / 2
        w = own_width(node, path)
        if right - left < w:               # a node wider than its subtree: centre the subtree
            d = (w - (right - left)) / 2
            for m, c in zip(node.labels, node.children):
                shift(path + (m,), c, d)
            x, right = x + d, left + w
        pos[path] = (x, -len(path))
        return x, right

    place(tree.root, (), 0.0)
    return pos


def _positive(p) -> bool:
    try:
        return bool(p != 0) if not hasattr(p, "free_symbols") else p.is_zero is not True
    except TypeError:
        return True


def _draw_information_sets(ax, tree, pos, shared, colours) -> None:
    """Join the nodes of each information set of several nodes, in its colour.

    On a row, nodes of a set with no other node between them are joined by a straight
    dashed line through their centres (the textbook drawing). A set with another node
    between its own on the row (interleaved sets, as in Beer-Quiche: one dashed line through
    a node of the other set read as one set of three) is joined by a bracket under the row
    instead: a short solid tick down from each of its nodes and a dashed line under them, a
    fixed number of points below the row (clear of the circles whatever the axes' size), one
    level per bracket that would overlap another of the row. A set whose nodes lie on several
    rows is joined across them too, each row to the next by its two nearest nodes. A straight
    line would run through or close by the upper node's children (on the next row, one of them
    toward the lower node), so the join goes around: a tick down from
    the upper node to a free level under its row, along it to a gap between the nodes of the
    rows spanned, down a vertical line there to the same level under the lower row, along it
    and up a tick to the lower node (every part clear of the circles). Every connector carries the
    gid ``information set <player>:<name>``.
    """
    from matplotlib.path import Path
    from matplotlib.transforms import ScaledTranslation

    # a marker is scaled into a unit cell: this path is a tick half its marker size long, downward
    tick = Path([(0.0, 0.0), (0.0, -1.0)])
    row_of: dict = {}
    for path, (_, y) in pos.items():
        row_of.setdefault(y, []).append(path)
    lanes: dict = {}            # row -> the x-intervals taken at each level of brackets under it

    def free_level(rows, lo, hi):
        """The first level under every row of ``rows`` with no bracket overlapping [lo, hi]; taken."""
        level = 0
        while any(a <= hi and lo <= b for y in rows for a, b in taken_at(y, level)):
            level += 1
        for y in rows:
            taken_at(y, level).append((lo, hi))
        return level

    def taken_at(y, level):
        taken = lanes.setdefault(y, [])
        taken += [[] for _ in range(level + 1 - len(taken))]
        return taken[level]

    def style_of(s):
        return dict(color=colours[s.key], zorder=1.5, gid=f"information set {s.player}:{s.name}")

    def below(level):
        drop = _BRACKET_CLEAR + _BRACKET_STEP * level
        return drop, ax.transData + ScaledTranslation(0, -drop / 72, ax.figure.dpi_scale_trans)

    groups, crossings = [], []
    for s in shared:
        by_row: dict = {}
        for path in s.paths:
            by_row.setdefault(pos[path][1], []).append(path)
        groups += [(y, sorted(pos[p][0] for p in paths), s) for y, paths in by_row.items() if len(paths) > 1]
        rows = sorted(by_row, reverse=True)
        for upper, lower in zip(rows, rows[1:]):
            a, b = min(((p, q) for p in by_row[upper] for q in by_row[lower]),
                       key=lambda pq: abs(pos[pq[0]][0] - pos[pq[1]][0]))
            crossings.append((s, pos[a], pos[b]))
    for y, xs, s in sorted(groups, key=lambda g: (g[0], g[1][0])):
        style = style_of(s)
        members = set(s.paths)
        if not any(xs[0] < pos[p][0] < xs[-1] for p in row_of[y] if p not in members):
            ax.plot([xs[0], xs[-1]], [y, y], linestyle="--", **style)
            continue
        drop, shifted = below(free_level([y], xs[0], xs[-1]))
        ax.plot([xs[0], xs[-1]], [y, y], linestyle="--", transform=shifted, **style)
        ax.plot(xs, [y] * len(xs), linestyle="none", marker=tick, markersize=2 * drop, markeredgewidth=1, **style)
    for s, (xa, ya), (xb, yb) in crossings:
        style = style_of(s)
        # a gap between the nodes of the rows spanned (both ends' rows included) wide enough for
        # the vertical line, the one nearest the pair; failing that the widest
        xs = sorted({pos[p][0] for y, paths in row_of.items() if yb <= y <= ya for p in paths})
        gaps = list(zip(xs, xs[1:])) or [(xs[0] - 2 * _CROSS_CLEAR, xs[0])]
        wide = [g for g in gaps if g[1] - g[0] >= 2 * _CROSS_CLEAR]
        left, right = min(wide, key=lambda g: abs(g[0] + g[1] - xa - xb)) if wide else \
            max(gaps, key=lambda g: g[1] - g[0])
        xv = (left + right) / 2
        drop, shifted = below(free_level([ya, yb], min(xa, xb, xv), max(xa, xb, xv)))
        ax.plot([xa, xv, xv, xb], [ya, ya, yb, yb], linestyle="--", transform=shifted, **style)
        ax.plot([xa, xb], [ya, yb], linestyle="none", marker=tick, markersize=2 * drop, markeredgewidth=1, **style)


@literal_labels
def draw_tree(tree: GameTree, ax=None, equilibrium=None, fontsize: int = 9):
    """Draw ``tree`` on matplotlib axes (new ones if ``ax`` is None); returns the axes.

    With an ``equilibrium``, the edges on its path of play (reached with
    positive probability, chance moves included) are drawn thick and black;
    the moves it plans at nodes that are never reached are drawn thick in
    grey (the threats that keep play on the path), and chance moves off the
    path stay thin. Move labels sit at the middle of their edges, and the
    layout is widened (by the widths of the payoff and move labels, leaf by
    leaf) so that no two labels overlap. The title says in which order the
    payoffs at the leaves are written (the tree's players). A new figure is sized to fit; on
    given ``ax`` the fonts shrink (down to 5 pt) when the axes are too narrow.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> from deterrence.solvers.tree.backward_induction import subgame_perfect
    >>> t = entry_deterrence()
    >>> ax = draw_tree(t, equilibrium=subgame_perfect(t)[0])
    >>> "Incumbent" in [x.get_text() for x in ax.texts]
    True
    >>> ax.get_title().splitlines()[-1]
    'payoffs at the leaves: (Entrant, Incumbent)'
    """
    pos = tree_layout(tree, equilibrium)
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    lo = min(x - len(_payoff_text(n)) / 2 for p, n in tree.nodes() if isinstance(n, Terminal) for x in [pos[p][0]])
    hi = max(x + len(_payoff_text(n)) / 2 for p, n in tree.nodes() if isinstance(n, Terminal) for x in [pos[p][0]])
    lo, hi = min(lo, min(xs)) - 1, max(hi, max(xs)) + 1
    depth = -min(ys)
    label_size = fontsize - 1
    # width of the drawing in inches at the label font size
    needed = (hi - lo) * _CHAR * label_size / 72
    if ax is None:
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(max(4.0, needed + 0.4), max(2.5, 1.1 * depth + 1.3)))
        # the layout's widths are for the whole figure: the axes (no frame, no ticks) take it all
        fig.subplots_adjust(left=0.01, right=0.99)
    else:
        width = ax.get_position().width * ax.figure.get_figwidth()
        if width < needed:
            scale = width / needed
            label_size = max(5.0, label_size * scale)
            fontsize = max(5.0, fontsize * scale)
    reach = tree.reach_probabilities(equilibrium.behaviour) if equilibrium is not None else {}
    planned = set()
    if equilibrium is not None:
        for path, node in tree.nodes():
            if isinstance(node, Decision):
                dist = equilibrium.behaviour[(node.player, tree.infoset_of(path).name)]
                planned |= {path + (m,) for m, q in dist.items() if _positive(q)}
    box = dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.9)
    shared = [s for s in tree.infosets.values() if len(s.paths) > 1]
    # colourblind-safe (Okabe-Ito), dark enough to read as text on white
    palette = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#882255", "#117733")
    colours = {s.key: palette[k % len(palette)] for k, s in enumerate(shared)}
    off_path_plans = False
    for path, node in tree.nodes():
        x, y = pos[path]
        if isinstance(node, Terminal):
            # on white like the move labels: an information set's bracket may run behind it
            ax.text(x, y - 0.1, _payoff_text(node), ha="center", va="top", fontsize=label_size,
                    bbox=box, zorder=3)
            ax.plot([x], [y], marker="o", markersize=3, color="black")
            continue
        for m in node.labels:
            child = path + (m,)
            cx, cy = pos[child]
            on_path = equilibrium is not None and _positive(reach[child])
            if on_path:
                style = dict(color="black", linewidth=2.6)
            elif child in planned:
                style = dict(color="0.6", linewidth=2.6)
                off_path_plans = True
            else:
                style = dict(color="black", linewidth=0.8)
            ax.plot([x, cx], [y, cy], zorder=1, solid_capstyle="round", **style)
            ax.text((x + cx) / 2, (y + cy) / 2, _move_text(tree, path, node, m, equilibrium),
                    ha="center", va="center",
                    fontsize=label_size, bbox=box, zorder=3)
        if isinstance(node, Chance):
            ax.plot([x], [y], marker="s", markersize=_NODE_SIZE, color="0.6", zorder=2)
            ax.text(x, y + 0.1, "chance", ha="center", va="bottom", fontsize=fontsize, zorder=3,
                    bbox=dict(boxstyle="square,pad=0.05", fc="white", ec="none"))
        else:
            ax.plot([x], [y], marker="o", markersize=_NODE_SIZE, color="white", markeredgecolor="black", zorder=2)
            ax.text(x, y + 0.1, _node_text(tree, path, node), ha="center", va="bottom", fontsize=fontsize,
                    zorder=3, fontweight="bold", color=colours.get(tree.infoset_of(path).key, "black"),
                    bbox=dict(boxstyle="square,pad=0.05", fc="white", ec="none"))
    _draw_information_sets(ax, tree, pos, shared, colours)
    if equilibrium is not None:
        from matplotlib.lines import Line2D
        handles = [Line2D([], [], color="black", linewidth=2.6, label="equilibrium path")]
        if off_path_plans:
            handles.append(Line2D([], [], color="0.6", linewidth=2.6, label="planned off the path"))
        # below the tree, where it cannot cover a node or a label
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2,
                  fontsize=label_size, frameon=False)
    # Every tree says in which order its payoffs are written.
    order = "payoffs at the leaves: (" + ", ".join(str(p) for p in tree.players) + ")"
    ax.set_title(f"{tree.title}\n{order}" if tree.title else order, fontsize=fontsize + 1)
    ax.set_axis_off()
    ax.set_xlim(lo, hi)
    ax.set_ylim(min(ys) - 0.55, 0.45)
    return ax


__all__ = ["draw_tree", "tree_layout"]

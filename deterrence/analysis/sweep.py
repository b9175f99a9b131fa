"""Parameter sweeps and deterrence maps.

Two paths:

* :func:`sweep` evaluates a function at every point of a grid through a
  standard :mod:`concurrent.futures` executor: ``"process"`` (local processes,
  the default), ``"thread"``, ``"serial"``, any ``Executor``, or a Dask
  ``distributed.Client`` (its ``get_executor()`` is used). Points that fail are
  recorded with the reason, an interrupted sweep (Ctrl-C) keeps what it has,
  and :meth:`Sweep.resume` computes only what is missing; with ``checkpoint=``
  (a JSON file) what is computed is kept on disk as it comes, so that a sweep
  killed in one process resumes in another. Each point gets its
  own seed from ``numpy.random.SeedSequence(seed).spawn``, so results do not
  depend on the number of workers.
* :func:`vectorised_map` turns symbolic expressions into NumPy functions with
  ``sympy.lambdify`` and evaluates them on the whole grid at once: a 200 x 200
  map of a symbolic model in milliseconds.
"""
from __future__ import annotations

import concurrent.futures as cf
import inspect
import os
from dataclasses import dataclass, field

import numpy as np

# the grid's size limit (MAX_POINTS, check_grid_size) is part of the maps' one check of their axes:
# sweeps, regime maps and the exchange model's map refuse the same grids with the same words
from deterrence.core.map_axes import MAX_POINTS as MAX_POINTS, check_grid_size as check_grid_size
from deterrence.core.progress import progress_bar
from deterrence.solvers.result import TextRepr


@dataclass(frozen=True)
class Sweep(TextRepr):
    """Values of a function on a grid, with labelled axes.

    ``values[name]`` is an array of shape ``(len(axis_1), len(axis_2), ...)``;
    points not computed (failed or interrupted) hold NaN. ``failures`` lists
    ``(point, reason)``. Its repr says what was computed (the dataclass repr printed the arrays
    and every failure: a review):

    >>> sweep(pow, {"base": [1, 2, 3], "exp": [2, 3]}, executor="serial")
    <Sweep: base (3 values, 1 to 3) x exp (2 values, 2 to 3); values: value; 6 of 6 points computed>
    """

    axes: dict
    values: dict
    failures: tuple = ()
    interrupted: bool = False
    seed: object = None
    meta: dict = field(default_factory=dict)

    @property
    def shape(self) -> tuple:
        """The grid's shape: the length of each axis, in the axes' order."""
        return tuple(len(v) for v in self.axes.values())

    @property
    def missing(self) -> list:
        """Grid indices of points not computed yet."""
        if not self.values:
            return list(np.ndindex(*self.shape))
        first = next(iter(self.values.values()))
        return [tuple(int(i) for i in idx) for idx in zip(*np.nonzero(np.isnan(first)))]

    @property
    def complete(self) -> bool:
        """Whether every point of the grid was computed (no point missing)."""
        return not self.missing

    def repr_text(self) -> str:
        from deterrence.core.numbers import format_short

        def axis(name, values):
            values = np.asarray(values)
            span = (f", {format_short(values[0].item())} to {format_short(values[-1].item())}"
                    if len(values) and values.dtype.kind in "iuf" else "")
            return f"{name} ({len(values)} value{'s' if len(values) != 1 else ''}{span})"
        total = int(np.prod(self.shape)) if self.shape else 0
        done = total - len(self.missing)
        text = (" x ".join(axis(n, v) for n, v in self.axes.items())
                + f"; values: {', '.join(self.values) or 'none'}; {done} of {total} points computed")
        if self.failures:
            point, reason = self.failures[0]
            at = ", ".join(f"{k}={format_short(v)}" for k, v in point.items())
            text += f"; {len(self.failures)} failed (first at {at}: {reason})"
        return text + ("; interrupted (resume() computes the rest)" if self.interrupted else "")

    def point(self, index) -> dict:
        """The point at ``index`` (one index per axis) as ``{axis name: value}``."""
        return {name: axis[i].item() if hasattr(axis[i], "item") else axis[i]
                for (name, axis), i in zip(self.axes.items(), index)}

    def resume(self, func, **options) -> "Sweep":
        """Compute the missing points only (after a failure or an interruption); the sweep's
        ``meta`` (a regime map's regime names) is kept: the resumed map was drawn as numbers."""
        from dataclasses import replace
        done = sweep(func, self.axes, seed=self.seed, _previous=self, **options)
        return replace(done, meta={**self.meta, **done.meta})

    def to_json(self) -> dict:
        """The Sweep as a JSON-ready dict of plain values: ``axes``, ``values``, ``failures``,
        ``interrupted``."""
        return {"axes": {k: np.asarray(v).tolist() for k, v in self.axes.items()},
                "values": {k: np.where(np.isnan(v), None, v).tolist() for k, v in self.values.items()},
                "failures": [{"point": p, "reason": r} for p, r in self.failures],
                "interrupted": self.interrupted}


def _executor(executor, max_workers):
    """(executor, owned): an Executor for the given choice; ``owned`` means we shut it down."""
    if executor is None or executor == "process":
        return cf.ProcessPoolExecutor(max_workers=max_workers or os.cpu_count()), True
    if executor == "thread":
        return cf.ThreadPoolExecutor(max_workers=max_workers or os.cpu_count()), True
    if executor == "serial":
        return None, False
    if hasattr(executor, "get_executor"):  # a dask.distributed Client
        return executor.get_executor(), False
    if isinstance(executor, cf.Executor):
        return executor, False
    from deterrence.errors import GameError
    raise GameError(f"executor must be 'process', 'thread', 'serial', an Executor or a Dask Client; got {executor!r}")


def _check_picklable(func, executor) -> None:
    """A function sent to worker processes (the default executor, a process pool, Dask) must
    pickle: a lambda or a nested function does not, and every point failed with the same
    PicklingError, the sweep returned with no value at all (a notebook review). Refused at once,
    with the way out.

    >>> _check_picklable(lambda x: x, "thread")
    >>> _check_picklable(lambda x: x, None)   # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: sweep: the function cannot be sent to worker processes ...executor='serial'
    """
    import pickle
    if not (executor is None or executor == "process" or isinstance(executor, cf.ProcessPoolExecutor)
            or hasattr(executor, "get_executor")):
        return
    try:
        pickle.dumps(func)
    except (pickle.PicklingError, AttributeError, TypeError):
        from deterrence.errors import GameError
        raise GameError("sweep: the function cannot be sent to worker processes (a lambda or a function "
                        "defined inside another does not pickle): define it with def at the top level of a "
                        "module or notebook, or pass executor='thread' or executor='serial'") from None


def _call(func, point, seed):
    return func(**point, seed=seed) if seed is not None else func(**point)


def _call_chunk(func, points, seeds):
    """Evaluate a chunk of points in one task; failures are returned, not raised."""
    out = []
    for point, seed in zip(points, seeds):
        try:
            out.append((True, _call(func, point, seed)))
        except Exception as exc:  # reported per point by the caller
            out.append((False, f"{type(exc).__name__}: {exc}"))
    return out


def sweep(func, axes: dict, *, executor=None, max_workers=None, seed=None, progress=None,
          chunksize=None, _previous: Sweep | None = None, max_points: int | None = None,
          checkpoint=None) -> Sweep:
    """Evaluate ``func(**point)`` at every grid point; it returns a number or a dict of numbers.

    ``func`` must be picklable (a module-level function) for process and Dask
    executors. If it takes a ``seed`` argument, each point gets its own seed.
    Points go to the executor in chunks (default: about four chunks a worker),
    so that cheap points are not swamped by the cost of a task.

    ``checkpoint`` (a file path): the values computed so far are written there as
    JSON (atomically, at most about once a second, and at the end); a sweep run
    again with the same file, function, axes and seed computes only the points the
    file does not hold, in this process or another. A file of another sweep is a
    :class:`~deterrence.errors.GameFileError`. ``progress``: a bar on standard error
    (:func:`~deterrence.core.progress.progress_bar`; by default for 400 points or more
    when standard error is a terminal).

    >>> s = sweep(pow, {"base": [1, 2, 3], "exp": [2, 3]}, executor="serial")
    >>> s.values["value"].tolist()
    [[1.0, 1.0], [4.0, 8.0], [9.0, 27.0]]
    """
    axes = {name: np.asarray(list(values)) for name, values in
            check_grid_size(axes, max_points, "max_points").items()}
    _check_picklable(func, executor)
    saver = None
    if checkpoint is not None:
        saver = _Checkpoint(checkpoint, func, axes, seed)
        _previous = saver.load() or _previous
    shape = tuple(len(v) for v in axes.values())
    takes_seed = "seed" in inspect.signature(func).parameters if callable(func) else False
    seeds = (np.random.SeedSequence(seed).spawn(int(np.prod(shape))) if takes_seed else None)
    values = {k: v.copy() for k, v in _previous.values.items()} if _previous else {}
    failures = []
    todo = _previous.missing if _previous else list(np.ndindex(*shape))
    names = list(axes)

    def point_of(idx):
        return {n: axes[n][i].item() for n, i in zip(names, idx)}

    def seed_of(idx):
        return None if seeds is None else seeds[int(np.ravel_multi_index(idx, shape))]

    def store(idx, out):
        out = out if isinstance(out, dict) else {"value": out}
        for key, val in out.items():
            if key not in values:
                values[key] = np.full(shape, np.nan)
            try:
                values[key][idx] = float(val)
            except (TypeError, ValueError):
                from deterrence.errors import GameError
                raise GameError(f"sweep: the function returned {val!r} for {key!r}; a sweep keeps numbers "
                                "(code a label as a number: 0, 1, ...)") from None
        if saver:
            saver.save(values, finished=False)

    bar = progress_bar(len(todo), "sweep", progress, large=len(todo) >= 400, unit="point")
    pool, owned = _executor(executor, max_workers)
    interrupted = False
    try:
        if pool is None:
            for idx in todo:
                try:
                    out = _call(func, point_of(idx), seed_of(idx))
                except Exception as exc:  # noqa: BLE001 - the caller's function may raise anything: the
                    # point is reported as failed, as _call_chunk does for the executors (Ctrl-C is no Exception)
                    failures.append((point_of(idx), f"{type(exc).__name__}: {exc}"))
                else:
                    store(idx, out)      # outside the try: a value that is no number is refused, as with executors
                bar.update()
        else:
            workers = max_workers or os.cpu_count() or 1
            size = chunksize or max(1, -(-len(todo) // (4 * workers)))
            chunks = [todo[k:k + size] for k in range(0, len(todo), size)]
            futures = {pool.submit(_call_chunk, func, [point_of(i) for i in chunk],
                                   [seed_of(i) for i in chunk]): chunk for chunk in chunks}
            try:
                for fut in cf.as_completed(futures):
                    chunk = futures[fut]
                    try:
                        results = fut.result()
                    except Exception as exc:  # the whole task failed (e.g. a worker died)
                        results = [(False, f"{type(exc).__name__}: {exc}")] * len(chunk)
                    for idx, (ok, out) in zip(chunk, results):
                        if ok:
                            store(idx, out)
                        else:
                            failures.append((point_of(idx), out))
                    bar.update(len(chunk))
            except KeyboardInterrupt:
                for fut in futures:
                    fut.cancel()
                raise
    except KeyboardInterrupt:
        interrupted = True
    finally:
        bar.close()
        if owned:
            pool.shutdown(wait=not interrupted, cancel_futures=True)
    if saver:
        saver.save(values, finished=True)
    for key in list(values):
        values[key].setflags(write=False)
    return Sweep(axes=axes, values=values, failures=tuple(failures), interrupted=interrupted, seed=seed)


class _Checkpoint:
    """The JSON file of a sweep's values so far: ``{"sweep": identity, "values": {...}}``, NaN
    as null. The identity (function, axes, seed) keeps one sweep's file from feeding another."""

    def __init__(self, path, func, axes, seed):
        self.path = os.fspath(path)
        self.identity = {**_function_identity(func), "axes": {k: np.asarray(v).tolist() for k, v in axes.items()},
                         "seed": None if seed is None else str(seed)}
        self.axes, self.last = axes, 0.0

    def load(self) -> Sweep | None:
        import json

        from deterrence.errors import GameFileError
        from deterrence.io._common import read_file_bytes
        if not os.path.exists(self.path):
            return None
        try:
            data = json.loads(read_file_bytes(self.path, what="sweep checkpoint")[0].decode("utf-8"))
            same = isinstance(data, dict) and data.get("sweep") == self.identity
            values = {k: np.array(v, dtype=float) for k, v in data["values"].items()} if same else None
        except (ValueError, UnicodeError, KeyError, TypeError, AttributeError) as exc:
            raise GameFileError(f"not a sweep checkpoint ({exc})", file=self.path) from None
        if not same:
            raise GameFileError("checkpoint of another sweep (other function, axes or seed): give another "
                                "file, or delete this one", file=self.path)
        shape = tuple(len(v) for v in self.axes.values())
        if any(v.shape != shape for v in values.values()):
            raise GameFileError(f"checkpoint values do not have the grid's shape {shape}", file=self.path)
        return Sweep(axes=self.axes, values=values)

    def save(self, values, *, finished):
        import json
        import time
        now = time.monotonic()
        if not finished and now - self.last < 1.0:
            return                     # a write per point would cost more than small points do
        self.last = now
        data = {"sweep": self.identity,
                "values": {k: np.where(np.isnan(v), None, v).tolist() for k, v in values.items()}}
        tmp = f"{self.path}.tmp"
        with open(tmp, "w", encoding="utf-8") as out:
            json.dump(data, out)
        os.replace(tmp, self.path)


def _function_identity(func) -> dict:
    """How a checkpoint names a sweep's function: its module and name, and for a
    ``functools.partial`` the arguments it fixes too (as text), so that two sweeps of one
    function with other fixed values do not share a file.

    >>> import functools
    >>> _function_identity(functools.partial(pow, exp=2))
    {'function': 'builtins.pow', 'arguments': "() [('exp', 2)]"}
    """
    import functools
    if isinstance(func, functools.partial):
        args = [_argument_text(a) for a in func.args]
        keywords = [(k, _argument_text(v)) for k, v in sorted(func.keywords.items())]
        return {**_function_identity(func.func), "arguments": f"{tuple(args)!r} {keywords!r}"}
    return {"function": _callable_name(func)}


def _callable_name(func) -> str:
    return f"{getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', type(func).__name__)}"


def _argument_text(value):
    """A fixed argument as the checkpoint names it: a function (a map's model builder, say) by
    its module and name, since its repr holds a memory address that differs between processes;
    other values as they are (their repr).

    >>> _argument_text(pow), _argument_text(2)
    ('builtins.pow', 2)
    """
    import functools
    if isinstance(value, functools.partial):
        return repr(_function_identity(value))
    return _callable_name(value) if callable(value) and not isinstance(value, type) else value


def vectorised_map(expressions: dict, axes: dict, constants: dict | None = None, *,
                   max_points: int | None = None) -> Sweep:
    """Evaluate sympy expressions (or boolean conditions) on a whole grid at once.

    ``expressions`` maps an output name to a sympy expression over the axis
    names and ``constants``; each is compiled once with ``sympy.lambdify``.

    >>> import sympy
    >>> b, c = sympy.symbols("b c", real=True)
    >>> m = vectorised_map({"delta_star": b / c}, {"b": [1, 2], "c": [2, 4]})
    >>> m.values["delta_star"].tolist()
    [[0.5, 0.25], [1.0, 0.5]]
    """
    import sympy
    from deterrence.core.symbolic import as_sympy, parameter_symbol
    axes = {name: np.asarray(list(values), dtype=float) for name, values in check_grid_size(axes, max_points).items()}
    grids = np.meshgrid(*axes.values(), indexing="ij")
    constants = dict(constants or {})
    names = list(axes) + list(constants)
    symbols = [parameter_symbol(n) for n in names]
    args = list(grids) + [np.full(grids[0].shape, float(v)) for v in constants.values()]
    values = {}
    for key, expr in expressions.items():
        # text is parsed by the whitelist: lambdify of a string would run it
        expr = _plain_symbols(as_sympy(expr, names, what=f"expression {key!r}"), names)
        fn = sympy.lambdify(symbols, expr, modules="numpy")
        out = np.broadcast_to(np.asarray(fn(*args), dtype=float), grids[0].shape).copy()
        out.setflags(write=False)
        values[key] = out
    return Sweep(axes=axes, values=values)


def _plain_symbols(expr, names):
    """Make symbols with the same names but other assumptions the parameters' own."""
    from deterrence.core.symbolic import parameter_symbol
    mapping = {s: parameter_symbol(s.name) for s in getattr(expr, "free_symbols", ()) if s.name in names}
    return expr.xreplace(mapping) if mapping else expr

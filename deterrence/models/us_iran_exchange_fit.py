"""Fit the US–Iran exchange model to the record by maximum likelihood, with standard errors.

The record (:func:`deterrence.io.events_csv.read_aggregate_record`): 83 attacks on
US personnel in 113 weeks (21 January 2021 to 23 March 2023, US Central Command),
the one US answering strike that the brief reports in the span (23 March 2023: a
lower bound, as the brief gives no total), no war.

Likelihood, under the contained Markov perfect equilibrium of
:mod:`deterrence.models.us_iran_exchange` played from a calm week:

* the number of attacks is Poisson with mean ``mu(theta)``, the expected number of
  militia strikes in the span (a sum of per-week strike probabilities of the chain);
* given the attacks, the number of US answers is binomial with the chain's
  answers-per-attack ratio ``rho(theta)``;
* no war in the span has the chain's probability ``1 - P(war by the end)``.

Identification (stated, not hidden): the weekly chance of a militia motive
(``motive_rate``) and of an Israeli strike (``israeli_strike_rate``) enter the
attack count only through the chance that a week has either; one count cannot
separate them, so the Israeli rate is fixed from the brief ("several Israeli
strikes a month") and the motive rate is estimated. In the equilibrium the US
answers exactly the attacks that kill Americans, so the answer probability *is*
the deadly fraction: one parameter, estimated from the answers. The misfire
probability (a strike that crosses a red line) is not identified: the record
has no misfire and no war, so the likelihood rises as it falls to 0 (a boundary,
no standard error); it is fixed at the calibration's value (the rule of three
bounds it by 3/83 per strike at 95%).

Standard errors: the inverse of the observed information (the Hessian of the
negative log-likelihood by central differences) at the estimate; predictions
get theirs by the delta method. An estimate on the bound of its range (a record
with fewer attacks than the Israeli strikes alone would bring) has none (NaN):
the information is taken over the other parameters. Reference: Y. Pawitan, *In All Likelihood*,
Oxford UP 2001, ch. 2–4 and 8 (observed information, the delta method).

Steps: (1) read the record; (2) maximise the log-likelihood over (motive rate,
deadly fraction) with scipy's bounded L-BFGS-B; (3) Hessian, standard errors;
(4) rebuild the model at the estimates (as exact fractions), recompute and
verify its Markov perfect equilibrium under the noise; (5) predictions with
delta-method errors.

The estimates as fractions (:meth:`RecordFit.fractions`, ``limit_denominator`` of
:data:`ESTIMATE_DENOMINATOR`) are the fitted model: the one the report follows, the one
``verified_under_noise`` checks and the one the point predictions are computed at, so
that the fit's predictions and the report's are one computation (the chain's statistics
are kept per model) and agree exactly. (They were computed at the float estimates, and
differed from the report's by about one part in a hundred million.) The exact report
needs short fractions: a float's fraction has a denominator near 2**53. The rounding moves
a prediction by about 1e-8 of itself, far inside its standard error; the delta method's
differences are taken about the float estimates.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import partial

from deterrence.core.progress import check_progress, progress_bar
from deterrence.solvers.result import TextRepr
from deterrence.models.us_iran_exchange import (_remember, chain_key, contained_profile, exchange_model, horizon_weeks,
                                                israeli_strike_response, play_statistics, reference_path_on, verify,
                                                weeks_in)

ESTIMATED = ("motive_rate", "deadly_fraction")
#: the denominator bound of the estimates as fractions (the fitted model; :meth:`RecordFit.fractions`)
ESTIMATE_DENOMINATOR = 10_000


def _as_fraction(x) -> Fraction:
    """An estimate as the fitted model takes it: the nearest fraction with a denominator of at most
    :data:`ESTIMATE_DENOMINATOR` (the one rounding of the fit, the report and the check under noise)."""
    return Fraction(float(x)).limit_denominator(ESTIMATE_DENOMINATOR)


@dataclass(frozen=True)
class RecordFit(TextRepr):
    """Estimates, standard errors and the fitted equilibrium's predictions beside the record.

    Its repr is one line, the estimates (the dataclass repr printed every table: a review).

    >>> RecordFit((("motive_rate", 0.52),), (("motive_rate", 0.17),), (), -4.25, (), (), True, "")
    <RecordFit: motive_rate 0.52 (s.e. 0.17); log-likelihood -4.25; verified under noise: True>
    """

    estimates: tuple          # ((name, value), ...)
    standard_errors: tuple    # ((name, se), ...)
    fixed: tuple              # ((name, value, why), ...)
    log_likelihood: float
    record: tuple             # ((name, count, weeks), ...)
    predictions: tuple        # ((name, value, se), ...)
    verified_under_noise: bool
    identification: str

    def estimate(self, name) -> float:
        """The estimate of the parameter ``name``."""
        return dict(self.estimates)[name]

    def fractions(self) -> dict:
        """The estimates as the fitted model takes them, exact fractions (``limit_denominator`` of
        :data:`ESTIMATE_DENOMINATOR`): the model the predictions, the report and the check under
        noise are computed at.

        >>> RecordFit((("motive_rate", 0.52),), (), (), -4.25, (), (), True, "").fractions()
        {'motive_rate': Fraction(13, 25)}
        """
        return {n: _as_fraction(x) for n, x in self.estimates}

    def repr_text(self) -> str:
        from deterrence.core.numbers import format_short
        se = dict(self.standard_errors)
        values = ", ".join(f"{n} {format_short(v, 3)} (s.e. {format_short(se[n], 2) if n in se else 'n/a'})"
                           for n, v in self.estimates)
        return (f"{values}; log-likelihood {format_short(self.log_likelihood, 6)}; "
                f"verified under noise: {self.verified_under_noise}")

    def prediction(self, name) -> float:
        """The fitted model's prediction of the count ``name``."""
        return {n: v for n, v, _ in self.predictions}[name]

    def prediction_se(self, name) -> float:
        """The standard error of the prediction of the count ``name``."""
        return {n: s for n, _, s in self.predictions}[name]


def _model_at(theta, base, rounded=False):
    vals = dict(base)
    for name, x in zip(ESTIMATED, theta):
        vals[name] = _as_fraction(x) if rounded else Fraction(float(x))
    return exchange_model(**vals)


def _log_likelihood(theta, base, attacks, answers, weeks):
    model = _model_at(theta, base)
    st = play_statistics(model, contained_profile(), weeks)
    mu = st["attacks"]
    rho = st["answers"] / mu if mu > 0 else 0.0
    # a record the chain cannot produce (no war when every strike misfires into it; attacks the model
    # never makes; answers it never gives) has likelihood 0: log -inf, not a math domain error
    if (st["war"] >= 1 or (attacks and mu <= 0) or (answers and rho <= 0)
            or (attacks > answers and rho >= 1)):
        return -math.inf
    ll = attacks * math.log(mu) - mu - math.lgamma(attacks + 1)
    ll += (math.lgamma(attacks + 1) - math.lgamma(answers + 1) - math.lgamma(attacks - answers + 1)
           + answers * math.log(rho) + (attacks - answers) * math.log1p(-rho))
    return ll + math.log1p(-st["war"])


def _negative_log_likelihood(theta, base, attacks, answers, weeks):
    """A module-level function (not a closure), so that process and Dask executors can pickle it."""
    return -_log_likelihood(theta, base, attacks, answers, weeks)


def _map(executor, func, items):
    """``func`` over ``items`` in order: serially, on a ``concurrent.futures`` executor, or on a
    Dask ``distributed.Client`` (through its ``get_executor()``)."""
    if executor is None:
        return [func(x) for x in items]
    pool = executor.get_executor() if hasattr(executor, "get_executor") else executor
    return list(pool.map(func, list(items)))  # Dask maps lists, not iterators


def _gradient_points(memo, likelihood, executor, wrapped_nll, points):
    """scipy's ``workers`` for the finite-difference gradient: the likelihood at its points,
    the new ones on *executor*, each kept in *memo* (its checkpoint and progress bar) here.

    scipy hands over its wrapper of ``nll``, a closure over the memo, which a
    ``concurrent.futures.ProcessPoolExecutor`` cannot pickle (Dask's cloudpickle could, and
    then each worker filled a copy of the memo). ``nll(x)`` is ``memo.value("nll", x,
    likelihood)``, so the values are those of ``memo.many`` with the picklable ``likelihood``,
    returned as the wrapper returns them (arrays of one number)."""
    import numpy as np
    return [np.atleast_1d(value) for value in memo.many("nll", list(points), likelihood, executor)]


def _predict(theta, base, weeks, rounded=False):
    """The predictions at ``theta`` (``rounded``: at the estimates as the fitted model takes them),
    over the report's horizons: ``attacks_in_span`` over the record's ``weeks``, the rates, the
    answers per attack and the war probability over 26 months (the shipped record's span), and
    ten years. (The rates and the "26 months" were over the record's weeks: refitted to a record of
    a year, war_probability_26_months was the probability of war within 53 weeks.)"""
    model = _model_at(theta, base, rounded)
    on_record = play_statistics(model, contained_profile(), weeks)
    months_26 = horizon_weeks(months=26)
    span = on_record if weeks == months_26 else play_statistics(model, contained_profile(), months_26)
    ten = play_statistics(model, contained_profile(), horizon_weeks(years=10))
    per_month = span["attacks"] / months_26 * float(weeks_in(months=1))
    return {"attacks_per_month": per_month,
            "attacks_in_span": on_record["attacks"],
            "answers_per_attack": span["answers"] / span["attacks"],
            "war_probability_26_months": span["war"],
            "war_probability_10_years": ten["war"],
            "attack_response_to_israeli_strikes": israeli_strike_response(model, months_26)}


class _Evaluations:
    """The likelihood and prediction values computed so far, by exact point (``float.hex``),
    kept in a checkpoint file when one is given (JSON, rewritten atomically after each new
    value), so that an interrupted fit resumes where it stopped, in this process or another.

    The optimiser is deterministic: run again from the same start it asks for the same
    points, which the stored values answer at once; the answer is the uninterrupted one.
    ``bar`` (a :func:`~deterrence.core.progress.progress_bar`) counts the evaluations, with
    how many are new and how many came from the checkpoint.
    """

    #: the likelihood, the predictions about the estimates (the delta method's differences) and
    #: the predictions at the estimates as fractions (the fitted model)
    KINDS = ("nll", "predict", "fitted")

    def __init__(self, checkpoint, identity):
        self.path, self.identity, self.bar = checkpoint, identity, None
        self.values, self.fresh = {kind: {} for kind in self.KINDS}, 0
        if checkpoint is not None:
            self._load()
        self.stored = self.count()

    def attach(self, bar):
        """Report to *bar*, which starts at the evaluations read from the checkpoint."""
        self.bar = bar
        self._show(refresh=True)

    def count(self):
        return sum(len(values) for values in self.values.values())

    def _show(self, refresh=False):
        self.bar.set_postfix_str(f"{self.fresh} new, {self.stored} from the checkpoint", refresh=refresh)

    def _load(self):
        import json
        from pathlib import Path
        from deterrence.errors import GameFileError
        path = Path(self.path)
        if not path.exists():
            return
        from deterrence.io._common import read_file_bytes
        try:
            data = json.loads(read_file_bytes(path)[0].decode("utf-8"))
        except (ValueError, UnicodeError) as exc:
            raise GameFileError(f"not a fit checkpoint ({exc})", file=str(path)) from None
        if not isinstance(data, dict) or data.get("fit") != self.identity:
            raise GameFileError("checkpoint of another fit (other record or calibration): give another "
                                "file, or delete this one", file=str(path))
        self.values = {kind: dict(data.get(kind, {})) for kind in self.KINDS}

    def _save(self):
        import json
        import os
        tmp = f"{self.path}.tmp"
        with open(tmp, "w", encoding="utf-8") as out:
            json.dump({"fit": self.identity, **self.values}, out)
        os.replace(tmp, self.path)

    @staticmethod
    def _keys(points):
        return [",".join(float(v).hex() for v in x) for x in points]

    def expect(self, batches):
        """Once the remaining evaluations are known (``(kind, points)`` pairs), give the bar its total."""
        todo = sum(len(set(self._keys(points)) - set(self.values[kind])) for kind, points in batches)
        self.bar.total = self.count() + todo
        self.bar.refresh()

    def value(self, kind, x, compute):
        return self.many(kind, [x], compute)[0]

    def many(self, kind, points, compute, executor=None):
        """The values at *points*, computing (on *executor* when given) only those not known."""
        keys = self._keys(points)
        store = self.values[kind]
        missing = {k: x for k, x in zip(keys, points) if k not in store}
        for k, value in zip(missing, _map(executor, compute, list(missing.values()))):
            store[k] = value
            self.fresh += 1
            if self.path is not None and executor is None:
                self._save()              # serially, each value as it comes (an interrupt keeps it)
            self._show()
            self.bar.update()             # redraws (at most every 0.1 s) with the new counts
        if missing and self.path is not None and executor is not None:
            self._save()                  # a batch on an executor arrives whole: one write
        return [store[k] for k in keys]


def fit_to_record(record=None, *, checkpoint=None, progress=None, executor=None, **calibration) -> RecordFit:
    """Maximum-likelihood fit of the motive rate and the deadly fraction to the record.

    ``checkpoint`` (a file path) keeps every model evaluation as it is made: a fit
    interrupted (Ctrl-C, SIGINT, a killed process) and run again with the same file
    resumes where it stopped and gives exactly the uninterrupted answer. ``progress=True``
    shows a tqdm bar of the model evaluations (on stderr; how many are new and how many
    came from the checkpoint beside it; its total once the optimiser has converged).

    ``executor`` (optional): a ``concurrent.futures`` executor or a Dask ``distributed.Client``;
    the independent likelihood evaluations of the Hessian and the model solves of the
    delta-method predictions then run on it (the same numbers as serially, in the same order).

    A fit without ``checkpoint``, ``executor`` or ``progress`` is kept in this process by its
    record and the values of :data:`~deterrence.models.us_iran_exchange.CHAIN_PARAMETERS`, all
    the likelihood depends on: a fit at other payoff values (a slider) reuses it and checks
    only ``verified_under_noise`` again.

    >>> f = fit_to_record()
    >>> round(f.prediction("attacks_in_span")), f.verified_under_noise
    (83, True)
    """
    import numpy as np
    from deterrence.io.events_csv import read_aggregate_record

    rec = read_aggregate_record() if record is None else record
    att, ans = rec["attacks_on_us_personnel"], rec["us_answering_strikes"]
    weeks = horizon_weeks(days=att.days)
    base = exchange_model(**calibration).v
    x0 = np.array([float(base[n]) for n in ESTIMATED])
    identity = {"record": [att.count, ans.count, weeks],
                "calibration": {k: str(v) for k, v in sorted(base.items())}}
    check_progress(progress)
    # the likelihood sees only the chain of play (transitions and noise), not the payoffs: a fit
    # is kept by the record and the chain's parameters, and a slider over a payoff reuses it (not
    # when the caller asks to watch, resume or distribute the evaluations: those run them)
    key = (att.name, att.count, ans.name, ans.count, rec["all_out_wars"].count, weeks, chain_key(base))
    reuse = checkpoint is None and executor is None and not progress and not reference_path_on()
    known = _FITS.get(key) if reuse else None
    if known is None:
        memo = _Evaluations(checkpoint, identity)
        with progress_bar(None, "fit_to_record", bool(progress), unit=" model evaluations",
                          initial=memo.stored, leave=True) as bar:
            memo.attach(bar)
            known = _fit(memo, base, rec, weeks, x0, checkpoint, executor)
        computed = known
        _remember(_FITS, key, lambda: computed, FIT_CACHE_SIZE)
    fit, theta = known
    # whether the contained exchange is an equilibrium at the estimates depends on the payoffs too
    verified = verify(_model_at(theta, base, rounded=True), contained_profile()).verified_under_noise
    return replace(fit, verified_under_noise=verified)


#: fits kept in this process, by record and chain parameters (oldest dropped first)
FIT_CACHE_SIZE = 64
_FITS: dict = {}


def _fit(memo, base, rec, weeks, x0, checkpoint, executor) -> tuple:
    """The fit itself, every model evaluation through *memo*: ``(RecordFit, estimates)``, the
    fit's ``verified_under_noise`` left to the caller (it depends on the payoffs)."""
    import numpy as np
    from scipy.optimize import minimize
    att, ans = rec["attacks_on_us_personnel"], rec["us_answering_strikes"]

    likelihood = partial(_negative_log_likelihood, base=base, attacks=att.count, answers=ans.count, weeks=weeks)
    model_predictions = partial(_predict, base=base, weeks=weeks)
    fitted_predictions = partial(_predict, base=base, weeks=weeks, rounded=True)

    def nll(x):
        return memo.value("nll", x, likelihood)

    if not math.isfinite(nll(x0)):
        from deterrence.errors import GameError
        changed = ", ".join(f"{n}={base[n]}" for n in ("misfire", "us_misfire", "israeli_strike_rate")
                            if n in base)
        raise GameError(f"fit_to_record: the record ({att.count} attacks, {ans.count} US "
                        f"answer{'' if ans.count == 1 else 's'}, "
                        f"{rec['all_out_wars'].count} wars in {weeks} weeks) has probability 0 in this model "
                        f"({changed}): nothing to fit; fix the model's values, or run it unfitted (fitted=False, "
                        f"deterrence report --no-fit)")
    options = {"eps": 1e-7, "ftol": 1e-13, "gtol": 1e-9}
    if executor is not None:
        # the finite-difference gradient's evaluations too (scipy >= 1.16), through the memo here
        options["workers"] = partial(_gradient_points, memo, likelihood, executor)
    bounds = [(1e-4, 0.99), (1e-4, 0.5)]
    res = minimize(nll, x0, method="L-BFGS-B", bounds=bounds, options=options)
    theta = res.x
    h = 1e-4
    # an estimate on its bound (e.g. fewer attacks than the Israeli strikes alone give) has no standard
    # error: the information is taken over the others, and the difference steps stay inside the bounds
    free = [i for i, (lo, hi) in enumerate(bounds) if lo + 2 * h <= theta[i] <= hi - 2 * h]
    k, n_free = len(theta), len(free)
    unit = np.eye(k)[free]
    steps = [(unit[i] * h, unit[j] * h) for i in range(n_free) for j in range(n_free)]
    corners = [theta + si * ei + sj * ej for ei, ej in steps for si, sj in ((1, 1), (1, -1), (-1, 1), (-1, -1))]
    shifted = [theta + sign * unit[i] * 1e-4 for i in range(n_free) for sign in (1, -1)]
    memo.expect([("nll", corners), ("predict", shifted), ("fitted", [theta])])
    f = np.reshape(memo.many("nll", corners, likelihood, executor), (n_free, n_free, 4))
    H = (f[..., 0] - f[..., 1] - f[..., 2] + f[..., 3]) / (4 * h * h)
    # a parameter the record does not inform (no curvature: the motive rate when every week brings an
    # Israeli strike) has no standard error either; the others' come from their own block of H
    scale = max(1.0, float(np.abs(H).max())) if n_free else 1.0
    informed = [j for j in range(n_free) if H[j, j] > 1e-9 * scale]
    cov = np.zeros((n_free, n_free))
    try:
        cov[np.ix_(informed, informed)] = np.linalg.inv(H[np.ix_(informed, informed)])
    except np.linalg.LinAlgError:
        informed = []
        cov = np.zeros((n_free, n_free))
    se = np.full(k, math.nan)
    se[[free[j] for j in informed]] = np.sqrt(np.diag(cov)[informed])
    # the point predictions at the fitted model (the estimates as fractions), the report's model
    pred = memo.value("fitted", theta, fitted_predictions)
    around = memo.many("predict", shifted, model_predictions, executor)
    grads = {}
    for i in range(n_free):
        up, down = around[2 * i], around[2 * i + 1]
        for name in pred:
            grads.setdefault(name, np.zeros(n_free))[i] = (up[name] - down[name]) / 2e-4
    preds = tuple((n, float(v), float(math.sqrt(max(grads[n] @ cov @ grads[n], 0.0))) if n_free else math.nan)
                  for n, v in pred.items())
    fixed = (("israeli_strike_rate", str(base["israeli_strike_rate"]),
              "not separable from the motive rate with one aggregate count: fixed from the brief"),
             ("misfire", str(base["misfire"]),
              "no misfire and no war in the record: the likelihood peaks at 0 (boundary); fixed from "
              "the calibration"))
    ident = ("The attack count informs the chance that a week has a reason to strike (an Israeli strike or "
             "a militia motive): the Israeli rate is fixed and the motive rate estimated. The answers inform "
             "the deadly fraction, which in this equilibrium is also the answer probability (one parameter). "
             "The misfire probability is not identified (no misfire in the record) and is fixed.")
    return RecordFit(tuple((n, float(x)) for n, x in zip(ESTIMATED, theta)),
                     tuple((n, float(s)) for n, s in zip(ESTIMATED, se)), fixed, float(-res.fun),
                     ((att.name, att.count, weeks), (ans.name, ans.count, weeks),
                      ("all_out_wars", rec["all_out_wars"].count, weeks)),
                     preds, None, ident), tuple(float(x) for x in theta)


__all__ = ["RecordFit", "fit_to_record", "ESTIMATED"]

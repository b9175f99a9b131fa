"""Strategic probit: fit a crisis game with uncertainty about resolve to observed outcomes.

The game (the tree ``games/crisis_resolve.toml``): a Challenger keeps the
status quo (payoff 0) or challenges; a challenged Defender concedes (payoff
0; the Challenger gets ``win``) or resists, which means war (the Defender
gets ``war_D``, the Challenger ``war_C``). Each player's payoff of each move
carries a private shock, normal with variance 1 (Signorino's "agent error"
form, an agent quantal response equilibrium with normal errors), and the
payoffs depend on observed covariates of the crisis:

* Defender: ``war_D = b0 + b1 * x`` (``x``: the Defender's observable resolve,
  e.g. its stake or an alliance tie); conceding is worth 0;
* Challenger: ``win = a`` and ``war_C = g0 + g1 * z`` (``z``: its relative capability).

Then the Defender resists with ``q = Phi((war_D - 0)/sqrt(2))`` and the
Challenger, who anticipates ``q``, challenges with
``s = Phi((q*war_C + (1 - q)*win - 0)/sqrt(2))`` (each comparison is the
difference of two independent unit-variance shocks, variance 2). Outcome
probabilities: status quo ``1 - s``, concession ``s(1 - q)``, war ``s q``.

Steps of :func:`fit_strategic_probit`: write the log-likelihood of the
observed outcomes, maximise it with :func:`scipy.optimize.minimize` (L-BFGS-B
from zero), and take standard errors from the inverse of a central-difference
Hessian of the log-likelihood at the optimum (the observed information).

Sources: Signorino, C. S. (1999). Strategic interaction and the statistical
analysis of international conflict. American Political Science Review 93(2):
279-297. McKelvey, R. D. and Palfrey, T. R. (1998). Quantal response
equilibria for extensive form games. Experimental Economics 1: 9-41.
Signorino, C. S. (2003). Structure and uncertainty in discrete choice models.
Political Analysis 11(4): 316-344.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from deterrence.errors import GameError
from deterrence.solvers.result import TextRepr

NAMES = ("b0", "b1", "a", "g0", "g1")
OUTCOMES = ("status_quo", "concede", "war")
#: the parameters that generated the shipped data set (deterrence/data/crisis_synthetic.csv:
#: ``write_crisis_data(simulate_crises(n=2000, seed=7), path)``)
TRUE_PARAMETERS = {"b0": -0.5, "b1": 1.0, "a": 1.5, "g0": -1.0, "g1": 1.0}
DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "crisis_synthetic.csv"


def outcome_probabilities(theta, x, z):
    """Probabilities of status quo, concession and war (arrays over crises).

    >>> import numpy as np
    >>> p = outcome_probabilities([0, 0, 0, 0, 0], np.array([0.0]), np.array([0.0]))
    >>> [round(float(v[0]), 3) for v in p]
    [0.5, 0.25, 0.25]
    """
    import numpy as np
    from scipy.stats import norm
    b0, b1, a, g0, g1 = theta
    root2 = np.sqrt(2.0)
    resist = norm.cdf((b0 + b1 * x) / root2)
    challenge = norm.cdf((resist * (g0 + g1 * z) + (1 - resist) * a) / root2)
    return 1 - challenge, challenge * (1 - resist), challenge * resist


def log_likelihood(theta, x, z, outcome) -> float:
    """Log-likelihood of outcome codes (0 status quo, 1 concede, 2 war).

    >>> import numpy as np
    >>> round(log_likelihood([0, 0, 0, 0, 0], np.zeros(2), np.zeros(2), np.array([0, 2])), 4)
    -2.0794
    """
    import numpy as np
    probs = np.stack(outcome_probabilities(theta, x, z))
    chosen = probs[outcome, np.arange(len(outcome))]
    return float(np.sum(np.log(np.clip(chosen, 1e-300, None))))


def simulate_crises(theta=None, n: int = 1000, seed: int = 0) -> dict:
    """Draw n crises: covariates x, z standard normal, outcomes from the model.

    >>> d = simulate_crises(n=5, seed=1)
    >>> sorted(d), len(d["outcome"])
    (['outcome', 'x', 'z'], 5)
    """
    import numpy as np
    theta = [TRUE_PARAMETERS[k] for k in NAMES] if theta is None else list(theta)
    rng = np.random.default_rng(seed)
    x, z = rng.standard_normal(n), rng.standard_normal(n)
    cumulative = np.cumsum(np.stack(outcome_probabilities(theta, x, z)), axis=0)
    outcome = (rng.random(n)[None, :] > cumulative).sum(axis=0)
    return {"x": x, "z": z, "outcome": np.minimum(outcome, 2)}


def load_crisis_data(path=None) -> dict:
    """The shipped synthetic data set (or a CSV with columns x, z, outcome; see
    :mod:`deterrence.io.choice_data`). Errors name the file, line and column.

    >>> d = load_crisis_data()
    >>> len(d["x"]), set(d["outcome"].tolist()) == {0, 1, 2}
    (2000, True)
    """
    import math

    import numpy as np

    from deterrence.errors import GameFileError
    from deterrence.io._common import decode_text, read_file_bytes
    from deterrence.io.choice_data import csv_records
    path = Path(path) if path is not None else DATA_FILE
    raw, file = read_file_bytes(path, what="crisis data file")     # stat first: no device, no FIFO
    xs, zs, codes = [], [], []
    for line, row in csv_records(decode_text(raw, file), file=file, required=("x", "z", "outcome")):
        if row["outcome"] not in OUTCOMES:
            raise GameFileError(f"must be one of {', '.join(OUTCOMES)}, got {row['outcome'][:40]!r}",
                                file=file, line=line, field="column 'outcome'")
        for column, values in (("x", xs), ("z", zs)):
            try:
                value = float(row[column])
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                raise GameFileError(f"must be a finite number, got {row[column][:40]!r}",
                                    file=file, line=line, field=f"column {column!r}")
            values.append(value)
        codes.append(OUTCOMES.index(row["outcome"]))
    return {"x": np.array(xs), "z": np.array(zs), "outcome": np.array(codes)}


def write_crisis_data(data: dict, path) -> None:
    """Write crises as CSV (x, z, outcome name), the format :func:`load_crisis_data` reads.

    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "c.csv")
    >>> write_crisis_data(simulate_crises(n=3), f); len(load_crisis_data(f)["x"])
    3
    """
    with open(path, "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["x", "z", "outcome"])
        for x, z, o in zip(data["x"], data["z"], data["outcome"]):
            out.writerow([f"{x:.6f}", f"{z:.6f}", OUTCOMES[int(o)]])


@dataclass(frozen=True)
class ProbitFit(TextRepr):
    """Estimates, standard errors and log-likelihood of a strategic probit fit; its repr is
    :meth:`describe` (the dataclass repr printed every float unrounded: a review)."""

    estimates: dict
    standard_errors: dict
    log_likelihood: float
    n: int
    converged: bool

    def describe(self) -> str:
        rows = [f"{k:>3} = {self.estimates[k]: .3f}  "
                + (f"(se {self.standard_errors[k]:.3f})" if self.standard_errors[k] == self.standard_errors[k]
                   else "(not identified by the data)") for k in NAMES]
        return "\n".join(rows + [f"log-likelihood {self.log_likelihood:.2f}, n = {self.n}"])

    def repr_text(self) -> str:
        return "\n" + self.describe() + ("" if self.converged else "\nthe optimiser did not converge")


def fit_strategic_probit(data: dict | None = None) -> ProbitFit:
    """Maximum-likelihood fit of the crisis game to data (the shipped data set by default).

    >>> fit = fit_strategic_probit()
    >>> abs(fit.estimates["b1"] - 1.0) < 3 * fit.standard_errors["b1"]
    True
    """
    import numpy as np
    from scipy.optimize import minimize
    data = load_crisis_data() if data is None else data
    x, z, outcome = (np.asarray(data[k]) for k in ("x", "z", "outcome"))
    if not (len(x) == len(z) == len(outcome)) or len(x) == 0:
        raise GameError("crisis data: x, z and outcome must be non-empty and of equal length")

    def negative(theta):
        return -log_likelihood(theta, x, z, outcome)
    result = minimize(negative, np.zeros(len(NAMES)), method="L-BFGS-B")
    from deterrence.solvers.inference._information import observed_information_errors
    # nan for a parameter the data do not identify (constant data crashed here; a clipped
    # negative variance was reported as a standard error of 0)
    errors = observed_information_errors(lambda t: -negative(t), result.x, [1e-4] * len(NAMES))
    return ProbitFit(dict(zip(NAMES, map(float, result.x))), dict(zip(NAMES, map(float, errors))),
                     -float(result.fun), len(x), bool(result.success))

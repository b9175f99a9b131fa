"""A model's analysis, computed once per set of inputs and kept across processes.

``deterrence report`` analyses the case model (the fit to the record, the
Markov perfect equilibria, the six claims: seconds of exact arithmetic) in a
fresh process every time, at the same calibration. :func:`analyse_model`
returns ``model.analyse()`` through :func:`deterrence.core.cache.remember`:
the first run computes and stores the analysis as JSON (exact numbers as
text); later runs, and later calls in the same session, read it back.

A model's analysis is cached only when the model says what fixes it: a
method ``cache_key()`` returning ``(key, classes)``, the key naming every input
(for the case model: the full calibration after the overrides, whether it is
fitted, and the record it is fitted to) and the dataclasses the analysis is
made of (the only classes the cache file may name), or ``None``. This module
knows no model. The code fingerprint in every cache key makes a change of the
code or of the data files recompute. Other models (and
``DETERRENCE_CACHE=memory``) take ``model.analyse()`` as before.
"""
from __future__ import annotations


def cacheable(model):
    """``(key, classes)`` when ``model``'s analysis may be cached (its ``cache_key()``), else ``None``.

    >>> from deterrence.models.us_iran_exchange_report import us_iran_exchange_model
    >>> key, classes = cacheable(us_iran_exchange_model(W_iran=60))
    >>> "W_iran=60" in key, sorted(c.__name__ for c in classes)
    (True, ['ExchangeAnalysis', 'MarkovPerfect', 'RecordFit', 'Selection', 'TippingPoint'])
    >>> cacheable(object()) is None
    True
    """
    key_of = getattr(model, "cache_key", None)
    return key_of() if callable(key_of) else None


def analyse_model(model):
    """``model.analyse()``, from the cache when the model is :func:`cacheable`.

    The value returned may be shared with other callers in the session: read it, do not change it.

    >>> from deterrence.models.us_iran_exchange_report import us_iran_exchange_model
    >>> m = us_iran_exchange_model(fitted=False)
    >>> analyse_model(m) == m.analyse()
    True
    """
    entry = cacheable(model)
    if entry is None:
        return model.analyse()
    from deterrence.core.cache import remember
    key, classes = entry
    return remember("analysis", key, model.analyse, classes=classes)


__all__ = ["analyse_model", "cacheable"]

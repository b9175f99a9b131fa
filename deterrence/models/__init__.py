"""Models: case games and their analyses (they may use core, io and solvers, never analysis)."""


def default_map_model(**values):
    """The model a regime map sweeps unless told otherwise: the US–Iran repeated model
    (:func:`deterrence.models.us_iran.us_iran_model`), built at ``values``.

    >>> default_map_model(delta="1/2").classify()[0]
    1
    """
    from deterrence.models.us_iran import us_iran_model
    return us_iran_model(**values)

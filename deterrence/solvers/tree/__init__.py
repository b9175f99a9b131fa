"""Solvers of game trees (one module per algorithm; ARCHITECTURE.md lists them)."""

#: the largest tree (in nodes) whose credibility analysis (``threats``) runs unasked, in
#: ``deterrence solve`` and the deterrence report: the analysis grows about as nodes^3.8
#: (reduced strategies). Here, not in ``threats``, so that ``deterrence --help``, which prints
#: it, does not import the tree solvers (about 30 ms of a start-up goal of 4x ``python -c pass``)
THREAT_NODES = 200

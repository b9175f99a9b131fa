"""Solvers for stochastic games: Markov perfect equilibria (:mod:`.markov_perfect`) and the
state chain of a stationary profile (:mod:`.markov_chain`)."""

"""The bound for tests that a bomb (a huge expression, a 10^9-profile game, a payoff set that
would need 10^9 iterations) is refused before the work, not after it.

Not a speed test (speed is shown by ``benchmarks/``, never asserted here: these machines are shared
and noisy): a bomb that is not refused runs for hours, a refused one for well under a second, so a
bound of minutes tells them apart on any machine, however loaded.
"""
HANG_SECONDS = 120

"""Module-level functions for sweep tests (process and Dask workers must pickle them)."""
import numpy as np


def ratio(b, c):
    return {"delta_star": b / c, "restraint": float(b / c <= 0.9)}


def noisy(x, seed):
    return float(np.random.default_rng(seed).random() + x)


def fragile(x):
    if x == 2:
        raise ValueError("x = 2 is not allowed here")
    return x * 10

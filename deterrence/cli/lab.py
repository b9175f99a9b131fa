"""``deterrence lab``: the lab in the browser (:mod:`deterrence.lab`), served on this machine.

Needs Panel: ``pip install ".[lab]"``.
"""
from __future__ import annotations


def add_arguments(parser) -> None:
    """Arguments of ``deterrence lab``.

    >>> import argparse
    >>> p = argparse.ArgumentParser(); add_arguments(p)
    >>> a = p.parse_args(["--port", "8080", "--no-browser"]); a.port, a.no_browser
    (8080, True)
    """
    parser.add_argument("--port", type=_port, default=5006, help="port to serve on (default 5006)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser window")


def _port(text: str) -> int:
    """A TCP port, 1 to 65535 (argparse prints the refusal as one line).

    >>> _port("8080")
    8080
    >>> _port("99999999")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: a port is a whole number from 1 to 65535, got '99999999'
    """
    import argparse
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 65535):
        raise argparse.ArgumentTypeError(f"a port is a whole number from 1 to 65535, got {text!r}")
    return int(text)


def run(args) -> int:
    """Serve the lab until interrupted; returns the exit code."""
    import importlib.util

    from deterrence.errors import DeterrenceError
    if importlib.util.find_spec("panel") is None:
        raise DeterrenceError('the lab needs Panel: pip install "deterrence[lab]" (or: pip install panel)')
    from deterrence.lab import serve
    print(f"deterrence lab: http://127.0.0.1:{args.port}/  (Ctrl-C stops it)", flush=True)
    try:
        serve(port=args.port, open_browser=not args.no_browser)
    except KeyboardInterrupt:
        pass
    return 0

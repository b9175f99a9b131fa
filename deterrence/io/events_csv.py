"""Dated event histories from CSV files: who struck whom, when, turned into rounds of play.

A conflict such as the one between US forces and Iran-backed militias in Iraq
and Syria is observed as a list of dated incidents (drone and rocket attacks,
airstrikes, missile barrages, statements). To compare it with repeated-game
strategies we cut time into **rounds** (a day, a week, a month) and give each
of the two sides one action per round, on the ladder ``hold`` < ``retaliate``
< ``escalate`` of the stage game ``us_iran_stage``:

* each event type maps to an action (:data:`DEFAULT_EVENT_MAP`; a drone,
  rocket or air strike is a limited strike, ``retaliate``; a missile barrage
  or the killing of a commander is ``escalate``; a statement or warning is
  ``hold``);
* each actor maps to a side (:data:`DEFAULT_ACTOR_MAP`: Iran-backed militias,
  the IRGC and its Quds Force act for ``Iran``; Israel and Russia are third
  parties, kept in :attr:`EventHistory.events` but not moves of either side);
* a side's action in a round is the highest rung among its events in that
  round, and ``hold`` when it has none.

Accepted CSV layout (UTF-8, a byte-order mark is allowed; comma separated, with
quotes as in RFC 4180; blank lines and lines starting with ``#`` are skipped)::

    date,actor,event_type,description
    2023-03-23,Iran-backed militia,drone attack,"drone hits a base near Hasakah"

===============  =========================================================================
column           meaning
===============  =========================================================================
``date``         ISO date ``YYYY-MM-DD``, optionally followed by a time
                 (``2023-03-23T20:00`` or ``2023-03-23 20:00``); required
``actor``        who acted; mapped to a side or a third party (``side`` is an alias)
``event_type``   what happened, mapped to an action (``type``, ``event`` are aliases)
``description``  free text (optional)
``source``       free text (optional); any other column is ignored
===============  =========================================================================

ACLED's CSV export (the Armed Conflict Location & Event Data Project) is read as
it comes: ``event_date`` (``2023-03-23`` or ``23 March 2023``) is the date,
``actor1`` the actor (a trailing ``(2021-)`` or ``(Iraq)`` is ignored when the
full name is not mapped), ``actor2`` the target (optional; a ``target`` column
in the plain layout), ``sub_event_type`` (when mapped, else ``event_type``)
the event type, ``notes`` the description; ``fatalities`` and the other
columns are ignored.

The **aggregate record** (counts over a span, such as the US Central Command
figure of 83 attacks on US personnel from 21 January 2021 to March 2023) sits
beside the dated events in ``deterrence/data/us_iran_record.toml`` and is read
by :func:`read_aggregate_record`. :func:`read_record` reads either kind of file
into the record the case model is fitted to (:func:`aggregate_record` counts an
events history: attacks on US forces, US answers, the span), so that an analyst
can refit the model to a newer record (``deterrence report --record FILE``).

Every problem (non-UTF-8 bytes, malformed CSV, a missing column, a bad date, an
unknown event type or actor, a file too large) is a
:class:`~deterrence.errors.GameFileError` whose message starts ``file:line:``.

The mapping of event types and actors may be given as a dict or as a TOML
file with tables ``[events]`` (event type -> action) and ``[actors]`` (actor ->
side, or ``""`` for a third party).

Sources: the events of the shipped example (``deterrence/data/events_2023.csv``)
follow the project's case brief (US Central Command and Pentagon statements as
reported in March 2023); turning event data into periods of play follows the
practice of event-data studies of conflict, e.g. J. S. Goldstein, "A
conflict-cooperation scale for WEIS events data", J. Conflict Resolution 36
(1992) and P. A. Schrodt, "Event data in foreign policy analysis" (1995).
"""
from __future__ import annotations

import datetime as _dt
import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from deterrence.io._common import MAX_FILE_BYTES, csv_rows, decode_text, parse_toml_text, read_file_bytes
from deterrence.errors import GameError, GameFileError

#: The action ladder every event is mapped onto (the stage game ``us_iran_stage``).
ACTIONS = ("hold", "retaliate", "escalate")

#: Event type (lower case, single spaces) -> action.
DEFAULT_EVENT_MAP = {
    # no attack
    "hold": "hold", "statement": "hold", "warning": "hold", "threat": "hold",
    "diplomatic statement": "hold", "sanctions": "hold", "no action": "hold",
    # limited, proportionate strikes
    "retaliate": "retaliate", "drone attack": "retaliate", "rocket attack": "retaliate",
    "mortar attack": "retaliate", "ied attack": "retaliate", "attack": "retaliate",
    "airstrike": "retaliate", "air strike": "retaliate", "strike": "retaliate",
    "limited strike": "retaliate", "artillery strike": "retaliate", "raid": "retaliate",
    # red-line crossings
    "escalate": "escalate", "missile barrage": "escalate", "ballistic missile attack": "escalate",
    "killing of a commander": "escalate", "assassination": "escalate",
    "ground offensive": "escalate", "mass-casualty attack": "escalate",
    # ACLED event types and sub-event types (Armed Conflict Location & Event Data codebook)
    "air/drone strike": "retaliate", "shelling/artillery/missile attack": "retaliate",
    "remote explosive/landmine/ied": "retaliate", "grenade": "retaliate", "armed clash": "retaliate",
    "suicide bomb": "retaliate", "explosions/remote violence": "retaliate", "battles": "retaliate",
    "violence against civilians": "retaliate",
    "strategic developments": "hold", "agreement": "hold", "headquarters or base established": "hold",
    "disrupted weapons use": "hold", "arrests": "hold", "change to group/activity": "hold",
    "other": "hold", "non-violent transfer of territory": "hold", "looting/property destruction": "hold",
    "protests": "hold", "riots": "hold", "peaceful protest": "hold",
}

#: Actor (lower case) -> side; ``""`` marks a third party (kept, but not a move).
DEFAULT_ACTOR_MAP = {
    "us": "US", "u.s.": "US", "usa": "US", "united states": "US", "us forces": "US",
    "us military": "US", "centcom": "US", "pentagon": "US", "coalition": "US",
    "iran": "Iran", "irgc": "Iran", "quds force": "Iran", "irgc quds force": "Iran",
    "iran-backed militia": "Iran", "iran-backed militias": "Iran", "militia": "Iran",
    "militias": "Iran", "iran's proxies": "Iran", "kataib hezbollah": "Iran",
    "israel": "", "russia": "",
    # ACLED actor names (a trailing "(2021-)" or "(Iraq)" is ignored when the full name is unknown)
    "military forces of the united states": "US", "military forces of iran": "Iran",
    "islamic revolutionary guard corps": "Iran", "islamic resistance in iraq": "Iran",
    "harakat hezbollah al-nujaba": "Iran", "kataib sayyid al-shuhada": "Iran",
    "military forces of israel": "", "military forces of russia": "",
}

#: Largest file read (bytes) and largest number of rounds built.
MAX_ROUNDS = 200_000

_COLUMN_ALIASES = {"date": "date", "day": "date", "actor": "actor", "side": "actor",
                   "event_type": "event_type", "type": "event_type", "event": "event_type",
                   "description": "description", "source": "source",
                   # ACLED's CSV export: event_date, actor1 (who acted), notes
                   "event_date": "date", "actor1": "actor", "notes": "description",
                   "target": "target", "actor2": "target"}
_ACLED_DATE = re.compile(r"^(\d{1,2}) ([A-Za-z]+) (\d{4})$")
_MONTHS = {m: k + 1 for k, m in enumerate(("january", "february", "march", "april", "may", "june", "july",
                                          "august", "september", "october", "november", "december"))}
_SUFFIX = re.compile(r"\s*\([^()]*\)$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$")
_PERIOD = re.compile(r"^(\d*)([DWM])$")


def _norm(text) -> str:
    return " ".join(str(text).split()).lower()


@dataclass(frozen=True)
class Event:
    """One row of an events file: date, actor, the side it maps to (``""``: third party),
    event type, the action it maps to, description, the line it came from, and the target
    (ACLED's ``actor2``) with the side it maps to (``""``: none given, a third party or unknown)."""

    date: _dt.date
    actor: str
    side: str
    event_type: str
    action: str
    description: str = ""
    line: int | None = None
    target: str = ""
    target_side: str = ""

    def to_json(self) -> dict:
        """A JSON-ready dict (third parties have side ``None``).

        >>> load_example_events().events[2].to_json()["side"] is None
        True
        """
        return {"date": self.date.isoformat(), "actor": self.actor, "side": self.side or None,
                "event_type": self.event_type, "action": self.action,
                "description": self.description, "line": self.line,
                "target": self.target or None, "target_side": self.target_side or None}


@dataclass(frozen=True)
class EventHistory:
    """Rounds of play read from dated events: ``actions[i][t]`` is side ``players[i]``'s
    action in the round starting on ``rounds[t]``.

    >>> h = load_example_events().between("2023-03-22", "2023-03-25")
    >>> h.players, [d.isoformat() for d in h.rounds]
    (('US', 'Iran'), ['2023-03-22', '2023-03-23', '2023-03-24', '2023-03-25'])
    >>> h.actions
    (('hold', 'retaliate', 'hold', 'hold'), ('hold', 'retaliate', 'retaliate', 'hold'))
    """

    players: tuple
    rounds: tuple
    actions: tuple
    events: tuple = ()
    period: str = "D"
    file: str | None = None
    action_labels: tuple = ACTIONS

    def __len__(self) -> int:
        return len(self.rounds)

    @property
    def profiles(self) -> tuple:
        """``(action of side 0, action of side 1)`` per round (the input of
        :func:`deterrence.plot.noisy_trajectory`).

        >>> load_example_events().between("2023-03-23", "2023-03-23").profiles
        (('retaliate', 'retaliate'),)
        """
        return tuple(zip(*self.actions))

    def match(self, player=0) -> tuple:
        """``(own actions, opponent's actions)`` from the point of view of ``player``
        (index or name): one match for :func:`deterrence.solvers.inference.sfem.estimate_strategy_mixture`.

        >>> own, opp = load_example_events().between("2023-03-23", "2023-03-24").match("Iran")
        >>> own, opp
        (('retaliate', 'retaliate'), ('retaliate', 'hold'))
        """
        i = self.player_index(player)
        return self.actions[i], self.actions[1 - i]

    def player_index(self, player) -> int:
        """Index of a side given by index or name.

        >>> load_example_events().player_index("Iran")
        1
        """
        if isinstance(player, int) and not isinstance(player, bool) and player in (0, 1):
            return player
        if player in self.players:
            return self.players.index(player)
        raise GameError(f"unknown side {player!r}; sides are {', '.join(self.players)}")

    def between(self, start=None, end=None) -> "EventHistory":
        """The rounds from ``start`` to ``end`` (dates or ISO strings, both included).

        >>> len(load_example_events().between("2023-03-22", "2023-03-30"))
        9
        """
        lo = _as_date(start) if start is not None else None
        hi = _as_date(end) if end is not None else None
        keep = [t for t, d in enumerate(self.rounds)
                if (lo is None or d >= _period_start(lo, self.period))
                and (hi is None or d <= hi)]
        events = tuple(e for e in self.events if (lo is None or e.date >= _period_start(lo, self.period))
                       and (hi is None or e.date <= hi))
        return EventHistory(self.players, tuple(self.rounds[t] for t in keep),
                            tuple(tuple(a[t] for t in keep) for a in self.actions),
                            events, self.period, self.file, self.action_labels)

    def episodes(self, quiet: int = 7) -> list:
        """Split into episodes separated by at least ``quiet`` rounds in which both sides
        hold; each episode runs from its first to its last non-hold round.

        >>> [(e.rounds[0].isoformat(), len(e)) for e in load_example_events().episodes()]
        [('2020-01-03', 6), ('2023-03-23', 2)]
        """
        if isinstance(quiet, bool) or not isinstance(quiet, int) or quiet < 1:
            raise GameError(f"quiet must be a whole number of rounds >= 1, got {quiet!r}")
        hold = self.action_labels[0]
        active = [t for t in range(len(self.rounds)) if any(a[t] != hold for a in self.actions)]
        out, group = [], []
        for t in active:
            if group and t - group[-1] - 1 >= quiet:
                out.append((group[0], group[-1]))
                group = []
            group.append(t)
        if group:
            out.append((group[0], group[-1]))
        return [self.between(self.rounds[a], self.rounds[b]) for a, b in out]

    def to_json(self) -> dict:
        """A JSON-ready dict (dates as ISO strings).

        >>> load_example_events().between("2023-03-24", "2023-03-24").to_json()["actions"]
        {'US': ['hold'], 'Iran': ['retaliate']}
        """
        return {"players": list(self.players), "period": self.period, "file": self.file,
                "action_labels": list(self.action_labels),
                "rounds": [d.isoformat() for d in self.rounds],
                "actions": {p: list(a) for p, a in zip(self.players, self.actions)},
                "events": [e.to_json() for e in self.events]}

    def _repr_html_(self) -> str:
        colour = {"hold": "#e8f1e4", "retaliate": "#f6d38b", "escalate": "#e0645c"}
        head = "".join(f"<th>{html.escape(p)}</th>" for p in self.players)
        rows, shown = [], 0
        hold = self.action_labels[0]
        for t, d in enumerate(self.rounds):
            acts = [a[t] for a in self.actions]
            if all(a == hold for a in acts) and 0 < t < len(self.rounds) - 1:
                continue  # quiet rounds are summarised, not listed
            shown += 1
            cells = "".join(f'<td style="background:{colour.get(a, "#fff")}">{html.escape(a)}</td>'
                            for a in acts)
            rows.append(f"<tr><td>{d.isoformat()}</td>{cells}</tr>")
        return (f"<div><b>EventHistory</b>: {len(self.rounds)} rounds (period {html.escape(self.period)}),"
                f" {len(self.events)} events; {len(self.rounds) - shown} quiet rounds not shown"
                f"<table><tr><th>round</th>{head}</tr>{''.join(rows)}</table></div>")

    def __repr__(self):
        span = (f"{self.rounds[0].isoformat()}..{self.rounds[-1].isoformat()}" if self.rounds else "empty")
        return (f"EventHistory({'/'.join(self.players)}, {len(self.rounds)} rounds {span}, "
                f"period {self.period!r}, {len(self.events)} events)")


# -- dates and periods ------------------------------------------------------------
def _as_date(value) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    m = _DATE.match(str(value).strip())
    if not m:
        raise GameError(f"{value!r} is not a date YYYY-MM-DD")
    try:
        return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        raise GameError(f"{value!r} is not a date: {exc}") from None


def _iso_date(text: str) -> str:
    """ACLED's "23 March 2023" as "2023-03-23"; other text unchanged."""
    m = _ACLED_DATE.match(text)
    if m and m.group(2).lower() in _MONTHS:
        return f"{int(m.group(3)):04d}-{_MONTHS[m.group(2).lower()]:02d}-{int(m.group(1)):02d}"
    return text


def _parse_period(period):
    m = _PERIOD.match(str(period).strip().upper())
    if not m or m.group(1) in ("0",) or (m.group(1) and int(m.group(1)) > 10_000):
        raise GameError(f"period {period!r}: use 'D' (day), 'W' (week from Monday), 'M' (month) "
                        "or a number of days such as '3D'")
    return int(m.group(1) or 1), m.group(2)


def _period_start(d: _dt.date, period: str) -> _dt.date:
    n, unit = _parse_period(period)
    if unit == "W":
        return d - _dt.timedelta(days=d.weekday())
    if unit == "M":
        return d.replace(day=1)
    return d


def _next_period(d: _dt.date, n: int, unit: str) -> _dt.date:
    if unit == "D":
        return d + _dt.timedelta(days=n)
    if unit == "W":
        return d + _dt.timedelta(weeks=n)
    m = d.month - 1 + n
    return d.replace(year=d.year + m // 12, month=m % 12 + 1, day=1)


# -- mappings -------------------------------------------------------------------
def _load_mapping(mapping, actors, players):
    """(event map, actor map, mapping file) from dicts, a TOML path, or the defaults."""
    events = dict(DEFAULT_EVENT_MAP)
    actor_map = {k: v for k, v in DEFAULT_ACTOR_MAP.items()}
    source = None
    if isinstance(mapping, (str, Path)):
        source = str(mapping)
        mapping = _read_mapping_toml(source)
    if mapping is not None:
        if not isinstance(mapping, Mapping):
            raise GameError("mapping must be a dict {event type: action} or the path of a TOML file")
        sections = {"events", "actors"}
        if mapping and set(mapping) <= sections and all(isinstance(v, Mapping) for v in mapping.values()):
            ev, ac = mapping.get("events", {}), mapping.get("actors", {})
        else:
            ev, ac = mapping, {}
        for k, v in ev.items():
            if v not in ACTIONS:
                raise _mapping_error(f"event type {k!r} maps to {v!r}; actions are {', '.join(ACTIONS)}",
                                     source)
            events[_norm(k)] = v
        actor_map.update({_norm(k): v for k, v in ac.items()})
    if actors is not None:
        if not isinstance(actors, Mapping):
            raise GameError("actors must be a dict {actor: side} ('' for a third party)")
        actor_map.update({_norm(k): v for k, v in actors.items()})
    for p in players:
        actor_map.setdefault(_norm(p), p)
    for k, v in actor_map.items():
        if not isinstance(v, str) or (v and v not in players):
            if v in ("US", "Iran"):
                continue  # a default for sides not in play: such events are refused when met
            raise _mapping_error(f"actor {k!r} maps to {v!r}; sides are {', '.join(players)} "
                                 "('' for a third party)", source)
    return events, actor_map


def _mapping_error(message, source):
    return GameFileError(message, file=source) if source else GameError(message)


def _read_mapping_toml(path):
    data, file = read_file_bytes(path, what="mapping file")
    doc = parse_toml_text(decode_text(data, file), file)
    unknown = set(doc) - {"events", "actors"}
    if unknown or not all(isinstance(v, dict) for v in doc.values()):
        raise GameFileError("a mapping file has tables [events] (event type = action) and "
                            "[actors] (actor = side)", file=path)
    for sect in doc.values():
        for k, v in sect.items():
            if not isinstance(v, str):
                raise GameFileError(f"{k!r}: value must be a string in quotes", file=path)
    return doc


# -- reading ----------------------------------------------------------------------
def parse_events(data, *, file: str = "<events>", mapping=None, players=None, actors=None,
                 period: str = "D", start=None, end=None) -> EventHistory:
    """Parse the text (``str`` or UTF-8 ``bytes``) of an events CSV; see :func:`read_events`.

    >>> text = "date,actor,event_type\\n2023-03-23,militia,drone attack\\n2023-03-24,US,airstrike\\n"
    >>> parse_events(text).actions
    (('hold', 'retaliate'), ('retaliate', 'hold'))
    >>> parse_events("date,actor,event_type\\n2023-03-23,militia,picnic\\n", file="e.csv")
    Traceback (most recent call last):
    ...
    deterrence.errors.GameFileError: e.csv:2: unknown event type 'picnic' (map it with mapping={'picnic':
    'hold'|'retaliate'|'escalate'}; known: agreement, air strike, air/drone strike, airstrike, armed clash, ...)
    """
    players = tuple(players) if players is not None else ("US", "Iran")
    if len(players) != 2 or len(set(players)) != 2 or not all(isinstance(p, str) and p for p in players):
        raise GameError(f"players must be two different names, got {players!r}")
    n_period, unit = _parse_period(period)
    period = f"{n_period if n_period > 1 else ''}{unit}"
    events_map, actor_map = _load_mapping(mapping, actors, players)
    if isinstance(data, (bytes, bytearray)):
        text = decode_text(data, file)
    elif isinstance(data, str):
        text = data[1:] if data.startswith("\ufeff") else data
        if len(text) > MAX_FILE_BYTES:
            raise GameFileError("file too large", file=file)
    else:
        raise GameError(f"events data must be text or bytes, not {type(data).__name__}")

    columns, rows = csv_rows(text, file=file, header=lambda record, line: _header(record, file, line))
    if columns is None:
        raise GameFileError("no header line (expected columns date,actor,event_type[,description])",
                            file=file, line=1)
    if not rows:
        raise GameFileError("no events after the header", file=file)

    events = []
    for line, row in rows:
        raw_date = _iso_date(row["date"].strip())
        m = _DATE.match(raw_date)
        if not m:
            raise GameFileError(f"date {raw_date[:40]!r} is not YYYY-MM-DD (optionally with a time)",
                                file=file, line=line)
        try:
            date = _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if m.group(4) is not None:
                _dt.time(int(m.group(4)), int(m.group(5)), int(m.group(6) or 0))
        except ValueError as exc:
            raise GameFileError(f"date {raw_date!r}: {exc}", file=file, line=line) from None
        actor = row["actor"].strip()
        key = _actor_key(actor, actor_map)
        if key not in actor_map:
            raise GameFileError(f"unknown actor {actor[:60]!r} (map it with actors={{{actor[:60]!r}: "
                                f"{players[0]!r}|{players[1]!r}|''}}; '' marks a third party)",
                                file=file, line=line)
        side = actor_map[key]
        if side and side not in players:
            raise GameFileError(f"actor {actor[:60]!r} acts for {side!r}, which is not one of the sides "
                                f"{', '.join(players)}", file=file, line=line)
        etype = row["event_type"].strip()
        sub = row.get("sub_event_type", "").strip()
        if sub and _norm(sub) in events_map:   # ACLED: the sub-event type is the finer one
            etype = sub
        ekey = _norm(etype)
        if ekey not in events_map:
            known = ", ".join(sorted(events_map)[:5])
            raise GameFileError(f"unknown event type {etype[:60]!r} (map it with mapping={{{etype[:60]!r}: "
                                f"'hold'|'retaliate'|'escalate'}}; known: {known}, ...)", file=file, line=line)
        target = row.get("target", "").strip()
        events.append(Event(date, actor, side, etype, events_map[ekey],
                            row.get("description", "").strip(), line, target, _side_of(target, actor_map, players)))
    events.sort(key=lambda e: (e.date, e.line))
    lo = _period_start(_as_date(start) if start is not None else events[0].date, period)
    hi = _as_date(end) if end is not None else events[-1].date
    if hi < lo:
        raise GameFileError(f"end {hi} is before start {lo}", file=file)
    # number of rounds, checked before building them
    if unit == "D":
        n_rounds = (hi - lo).days // n_period + 1
    elif unit == "W":
        n_rounds = (hi - lo).days // (7 * n_period) + 1
    else:
        n_rounds = ((hi.year - lo.year) * 12 + hi.month - lo.month) // n_period + 1
    if n_rounds > MAX_ROUNDS:
        raise GameFileError(f"the events span {n_rounds} rounds of period {period!r}, more than "
                            f"{MAX_ROUNDS}: use a longer period or start/end", file=file)
    rounds = []
    d = lo
    try:
        while d <= hi:
            rounds.append(d)
            d = _next_period(d, n_period, unit)
    except (OverflowError, ValueError):  # the year 9999 ends the calendar
        pass
    index = {d: t for t, d in enumerate(rounds)}
    acts = [[0] * len(rounds) for _ in players]
    kept = []
    for e in events:
        if not (lo <= e.date <= hi):
            continue
        kept.append(e)
        if not e.side:
            continue
        t = _round_of(e.date, rounds, index, lo, n_period, unit)
        i = players.index(e.side)
        acts[i][t] = max(acts[i][t], ACTIONS.index(e.action))
    actions = tuple(tuple(ACTIONS[k] for k in row) for row in acts)
    return EventHistory(players, tuple(rounds), actions, tuple(kept), period,
                        None if file == "<events>" else file)


def _actor_key(actor, actor_map) -> str:
    """The actor's key in the map: its normalised name, without a trailing ACLED suffix such as
    ``(2021-)`` or ``(Iraq)`` when the full name is not mapped."""
    key = _norm(actor)
    if key not in actor_map and _SUFFIX.search(key):
        key = _SUFFIX.sub("", key)
    return key


def _side_of(actor, actor_map, players) -> str:
    """The side an actor name maps to, ``""`` for none (empty, unknown or a third party): a target
    may be anyone (civilians, local forces), so an unknown one is not an error."""
    side = actor_map.get(_actor_key(actor, actor_map), "")
    return side if side in players else ""


def _round_of(date, rounds, index, lo, n, unit):
    if unit == "D":
        return (date - lo).days // n
    if unit == "W":
        return (date - lo).days // (7 * n)
    return ((date.year - lo.year) * 12 + date.month - lo.month) // n


def _header(record, file, line):
    cols = []
    for raw in record:
        name = _norm(raw).replace(" ", "_")
        name = _COLUMN_ALIASES.get(name, name)
        if name and name in cols:
            raise GameFileError(f"column {raw.strip()[:40]!r} appears twice in the header", file=file, line=line)
        cols.append(name)
    missing = [c for c in ("date", "actor", "event_type") if c not in cols]
    if missing:
        raise GameFileError(f"header lacks column(s) {', '.join(missing)} (found: "
                            f"{', '.join(c[:20] for c in cols[:8]) or 'none'})", file=file, line=line)
    return cols


def read_events(path, *, mapping=None, players=None, actors=None, period: str = "D",
                start=None, end=None) -> EventHistory:
    """Read an events CSV file into an :class:`EventHistory` of rounds (see the module docstring).

    ``mapping``: event type -> action (a dict, or the path of a TOML file with tables
    ``[events]`` and ``[actors]``), added to :data:`DEFAULT_EVENT_MAP`; ``actors``:
    actor -> side (``""`` for a third party), added to :data:`DEFAULT_ACTOR_MAP`;
    ``players``: the two sides (default ``("US", "Iran")``); ``period``: ``"D"``,
    ``"W"``, ``"M"`` or ``"3D"``; ``start``/``end``: restrict the rounds.

    >>> from deterrence.io.events_csv import example_events_path
    >>> h = read_events(example_events_path(), period="W", start="2023-03-20")
    >>> [d.isoformat() for d in h.rounds], h.actions
    (['2023-03-20', '2023-03-27'], (('retaliate', 'hold'), ('retaliate', 'hold')))
    """
    from deterrence.io._common import read_file_bytes
    data, file = read_file_bytes(path, what="events file")   # stat first: FIFOs, devices refused
    return parse_events(data, file=file, mapping=mapping, players=players, actors=actors,
                        period=period, start=start, end=end)


def example_events_path() -> Path:
    """Path of the shipped example ``deterrence/data/events_2023.csv``.

    >>> example_events_path().name
    'events_2023.csv'
    """
    return Path(__file__).resolve().parent.parent / "data" / "events_2023.csv"


def load_example_events(**options) -> EventHistory:
    """The shipped example: the January 2020 crisis and the March 2023 exchange, daily rounds.

    >>> h = load_example_events()
    >>> h.rounds[0].isoformat(), h.rounds[-1].isoformat(), len(h.events)
    ('2020-01-03', '2023-03-30', 9)
    """
    return read_events(example_events_path(), **options)


# -- the aggregate record ----------------------------------------------------------
@dataclass(frozen=True, repr=False)
class AggregateCount:
    """A count of events of one kind over a span of dates, with its source. Its repr is one line
    (the dataclass repr printed the long ``about`` and ``source`` texts and ``datetime.date(...)``):

    >>> read_aggregate_record()["attacks_on_us_personnel"]
    AggregateCount(attacks_on_us_personnel: 83 from 2021-01-21 to 2023-03-23, 791 days)
    """

    name: str
    count: int
    start: _dt.date
    end: _dt.date
    about: str
    source: str

    @property
    def days(self) -> int:
        """Days from ``start`` to ``end``."""
        return (self.end - self.start).days

    def to_json(self) -> dict:
        """The AggregateCount as a JSON-ready dict of plain values: ``count``, ``start``, ``end``,
        ``days``, ``about``, ``source``."""
        return {"count": self.count, "start": self.start.isoformat(), "end": self.end.isoformat(),
                "days": self.days, "about": self.about, "source": self.source}

    def __repr__(self):
        return (f"AggregateCount({self.name}: {self.count} from {self.start.isoformat()} to "
                f"{self.end.isoformat()}, {self.days} days)")


def read_aggregate_record(path=None) -> dict:
    """``{name: AggregateCount}`` from a record TOML file (default: the shipped
    ``deterrence/data/us_iran_record.toml``): tables ``[counts.NAME]`` with ``count``,
    ``start``, ``end`` (ISO dates), ``about`` and ``source``.

    >>> rec = read_aggregate_record()
    >>> rec["attacks_on_us_personnel"].count, rec["attacks_on_us_personnel"].days
    (83, 791)
    """
    file = str(path if path is not None else Path(__file__).resolve().parent.parent / "data" / "us_iran_record.toml")
    data, file = read_file_bytes(file, what="record file")
    text = decode_text(data, file)
    doc = parse_toml_text(text, file)
    from deterrence.io.toml_reader import TomlReader
    line = TomlReader(text, doc, file).line       # the line of a key path (or of its table)
    counts = doc.get("counts")
    if not isinstance(counts, dict) or not counts:
        raise GameFileError("a record file has tables [counts.NAME] (count, start, end, about, source)", file=file,
                            line=line("counts"))
    out = {}
    for name, row in counts.items():
        if not isinstance(row, dict) or set(row) - {"count", "start", "end", "about", "source"}:
            unknown = sorted(set(row) - {"count", "start", "end", "about", "source"}) if isinstance(row, dict) else []
            raise GameFileError(f"[counts.{name}]: keys are count, start, end, about, source", file=file,
                                line=line("counts", name, *unknown[:1]))
        count = row.get("count")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise GameFileError(f"[counts.{name}]: count must be a whole number >= 0", file=file,
                                line=line("counts", name, "count"))
        dates = {}
        for key in ("start", "end"):
            try:
                dates[key] = _as_date(str(row.get(key)))
            except GameError as exc:
                raise GameFileError(f"[counts.{name}]: {exc}", file=file, line=line("counts", name, key)) from None
        start, end = dates["start"], dates["end"]
        if end < start:
            raise GameFileError(f"[counts.{name}]: end {end} is before start {start}", file=file,
                                line=line("counts", name, "end"))
        out[name] = AggregateCount(name, count, start, end, str(row.get("about", "")), str(row.get("source", "")))
    return out


#: The counts the case model's fit reads from a record (:func:`read_record` checks them).
RECORD_COUNTS = ("attacks_on_us_personnel", "us_answering_strikes", "all_out_wars")


def _strikes_at(history, side, other) -> int:
    """Strikes (limited or escalated) by ``side``, except those whose named target is not ``other``."""
    return sum(1 for e in history.events if e.side == side and e.action != "hold"
               and (not e.target or e.target_side == other))


def aggregate_record(history: EventHistory, source: str | None = None) -> dict:
    """The record the case model is fitted to, counted from dated events: ``{name: AggregateCount}``
    with the counts of :data:`RECORD_COUNTS`, over the span from the first to the last event.

    * ``attacks_on_us_personnel``: strikes (``retaliate`` or ``escalate``) by the side
      ``Iran`` (the militias);
    * ``us_answering_strikes``: strikes by the side ``US`` (in the model every US strike
      answers an attack);
    * ``all_out_wars``: 0: an events file lists strikes, not wars (the fit takes the span
      to have had none).

    A strike whose target (ACLED's ``actor2``) is named and is not the other side (an attack on
    local forces, on civilians, or by Israel) is not counted; a strike without a named target is.
    ``source`` (default: the history's file) is each count's source.

    >>> text = ("event_date,actor1,actor2,event_type,sub_event_type\\n"
    ...         "2023-01-02,Islamic Resistance in Iraq,Military Forces of the United States,"
    ...         "Explosions/Remote violence,Air/drone strike\\n"
    ...         "2023-01-09,Islamic Resistance in Iraq,Civilians (Iraq),Violence against civilians,Attack\\n"
    ...         "2023-01-30,Military Forces of the United States,Islamic Resistance in Iraq,"
    ...         "Explosions/Remote violence,Air/drone strike\\n")
    >>> rec = aggregate_record(parse_events(text, file="acled.csv"))
    >>> [(k, c.count) for k, c in rec.items()], rec["attacks_on_us_personnel"].days
    ([('attacks_on_us_personnel', 1), ('us_answering_strikes', 1), ('all_out_wars', 0)], 28)
    """
    if set(history.players) != {"US", "Iran"}:
        raise GameError(f"the record counts the sides US and Iran; this history has {', '.join(history.players)}")
    source = source or history.file or "<events>"
    if not history.events:
        raise GameFileError("no events: the record needs a span of dated events", file=source)
    start = min(e.date for e in history.events)
    end = max(e.date for e in history.events)
    span = f"(events from {start} to {end})"
    counts = (("attacks_on_us_personnel", _strikes_at(history, "Iran", "US"),
               f"strikes by Iran-backed militias on US forces in the events file {span}"),
              ("us_answering_strikes", _strikes_at(history, "US", "Iran"),
               f"US strikes on Iran-backed forces in the events file {span}"),
              ("all_out_wars", 0, "outbreaks of all-out war: an events file lists strikes, not wars; none is "
                                  "assumed (escalations in the file are counted as strikes)"))
    return {name: AggregateCount(name, n, start, end, about, source) for name, n, about in counts}


def _record_kind(path, data) -> str:
    """``"toml"`` or ``"csv"``: by the file's suffix, else by its first line that is not blank
    or a comment (a table header ``[...]`` or a ``key =`` line: TOML; commas: CSV)."""
    suffix = Path(str(path)).suffix.lower()
    if suffix == ".toml":
        return "toml"
    if suffix == ".csv":
        return "csv"
    text = decode_text(data, str(path))
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("[") or re.match(r"^[A-Za-z0-9_.\"-]+\s*=", stripped):
            return "toml"
        if "," in stripped:
            return "csv"
        raise GameFileError(f"neither an events CSV (a header such as event_date,actor1,actor2,event_type or "
                            f"date,actor,event_type) nor a record TOML ([counts.NAME] tables): "
                            f"{stripped[:40]!r}", file=str(path), line=number)
    raise GameFileError("empty: expected an events CSV or a record TOML", file=str(path), line=1)


def read_record(path, **options) -> dict:
    """The record the case model is fitted to, ``{name: AggregateCount}``, from ``path``: an
    events CSV (ACLED's export or the plain layout; counted by :func:`aggregate_record`,
    each count's source is the file) or a record TOML like ``deterrence/data/us_iran_record.toml``
    (:func:`read_aggregate_record`). Told apart by the suffix (``.csv``, ``.toml``), else by
    the first line. The counts of :data:`RECORD_COUNTS` must be there, with a span of at
    least a week and no more answers than attacks. ``options`` go to :func:`parse_events`
    (``mapping``, ``actors``).

    >>> rec = read_record(example_events_path())
    >>> rec["attacks_on_us_personnel"].count, rec["us_answering_strikes"].source.endswith("events_2023.csv")
    (4, True)
    >>> read_record(Path(__file__).resolve().parent.parent / "data" / "us_iran_record.toml")["all_out_wars"].count
    0
    """
    data, file = read_file_bytes(path, what="record file")
    if _record_kind(file, data) == "toml":
        record = read_aggregate_record(file)
    else:
        record = aggregate_record(parse_events(data, file=file, **options))
    missing = [name for name in RECORD_COUNTS if name not in record]
    if missing:
        raise GameFileError(f"the record lacks {', '.join(f'[counts.{n}]' for n in missing)} (the fit reads "
                            f"{', '.join(RECORD_COUNTS)})", file=file)
    attacks, answers = record["attacks_on_us_personnel"], record["us_answering_strikes"]
    if attacks.days < 7:
        raise GameFileError(f"the record spans {attacks.days} days ({attacks.start} to {attacks.end}); the fit "
                            "needs at least a week", file=file)
    if answers.count > attacks.count:
        raise GameFileError(f"{answers.count} US answers but only {attacks.count} attacks: the fit takes each "
                            "answer to follow an attack", file=file)
    return record


__all__ = ["read_record", "aggregate_record", "RECORD_COUNTS",
           "read_events", "parse_events", "load_example_events", "example_events_path",
           "EventHistory", "Event", "ACTIONS", "DEFAULT_EVENT_MAP", "DEFAULT_ACTOR_MAP",
           "AggregateCount", "read_aggregate_record"]

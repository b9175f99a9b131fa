"""Example data shipped with ``deterrence``.

``events_2023.csv``: dated incidents between the US and Iran and its proxies
(January 2020 and March 2023), written from the project's case brief; read it
with :func:`deterrence.io.events_csv.load_example_events`.

``us_iran_record.toml``: the aggregate record (83 attacks on US personnel from
21 January 2021 to 23 March 2023, US Central Command, as in the case brief; US
answering strikes; no war); read it with
:func:`deterrence.io.events_csv.read_aggregate_record`.
"""

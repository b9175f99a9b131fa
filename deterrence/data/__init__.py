"""Example data shipped with ``deterrence``.

``events_2023.csv``: dated incidents between the US and Iran and its proxies
(January 2020 and March 2023), written from the project's case brief; read it
with :func:`deterrence.io.events_csv.load_example_events`.
"""

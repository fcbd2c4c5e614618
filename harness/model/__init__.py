"""The bottom layer: what a run produces (results), the scenarios it runs, and nothing that runs.

``measure`` and ``report`` both build on this package and never on each other; results are
typed records here and become JSON only at the file boundary (``results.read_results`` and
``results.write_results``).
"""

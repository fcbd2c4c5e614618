"""A run: the selection resolved into cells, each built through its scenarios and measured.

``selection`` (what to build), ``session`` (a whole run), ``engine`` (one cell), ``plan`` (what
each build of a cell is: computed once, read by everything that acts on it), ``cellrun``,
``products`` (what a build made, checked), ``context`` (what cells share), ``shard``, ``signals``.
"""

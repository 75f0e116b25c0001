"""When a file's stat can stand for its content: the window inside which it cannot.

Both the run snapshot (``snapshot.py``) and the prefilter's scan cache
(``model/index/prefilter.py``) trust a file's ``(mtime, size, ctime)`` to mean "unchanged".
Like git's racy-clean rule, that is only sound for a file whose last change is older than the
filesystem's timestamp tick at the moment it was read: a later edit in the same tick could keep
both its modification time and its size. This module imports nothing, so the replay path pays
nothing for it.
"""

#: Nothing changed less than this before a run starts is recorded as trusted (2 s covers the
#: coarsest timestamp granularity in common use, FAT's).
RACY_NS = 2_000_000_000

"""The project index: the project's files as modules, and which of them may be Parsl code.

* ``naming.py``: the dotted name of a file, and what a relative import names.
* ``modules.py``: :class:`ModuleInfo` (one per file) and :class:`ModuleIndex` (all of them,
  their text and parse trees, relative imports, ``conftest.py`` files).
* ``prefilter.py``: :class:`Prefilter`, the text scan that decides which modules are parsed
  at all, its cache between runs, and the dependency digest the result cache keys on.

Nothing here evaluates code: the index knows files, names and text, not values.
"""

from parsl_lint.model.index.modules import ModuleIndex, ModuleInfo
from parsl_lint.model.index.prefilter import Prefilter

__all__ = ["ModuleIndex", "ModuleInfo", "Prefilter"]

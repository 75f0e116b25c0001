"""What the evaluator may ask about the rest of the project: :class:`ProjectView`.

The evaluator (``evaluator.py``) walks one body at a time; what lies outside it (another
module's names, what a project function returns, a class's methods and instance attributes, a
pytest fixture's value, what the project's callers pass to a function) it asks through this
interface. :class:`~parsl_lint.model.project.
Project` implements it by composing the index, the module-level names (``symbols.py``) and the
summaries (``summaries.py``), which in turn run evaluators: the interface is what keeps the
evaluator from importing any of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from parsl_lint.model.arguments import Passed
from parsl_lint.model.index import ModuleInfo
from parsl_lint.model.records import ClassRecord, FuncRecord
from parsl_lint.model.values import AppInfo, Class, Func, Value


class CallersView(Protocol):
    """The whole-program parameter facts (``callers.py``), as the evaluator asks them."""

    def parameters(self, fdef: FuncRecord) -> dict[str, Value]:
        """What the whole project passes to ``fdef``'s parameters."""
        ...

    def external(self, fdef: FuncRecord) -> Passed | None:
        """What the other modules' calls pass to ``fdef`` (None: not known)."""
        ...

    def wanted_by(self, module: str) -> bool:
        """Linting ``module`` asks for its functions' facts."""
        ...


class ProjectView(Protocol):
    """The project, as the evaluator sees it."""

    @property
    def modules(self) -> Mapping[str, ModuleInfo]:
        """Every module of the project, by dotted name."""
        ...

    @property
    def callers(self) -> CallersView:
        """What the project's calls pass to each function's parameters."""
        ...

    @property
    def functions(self) -> dict[str, FuncRecord]:
        """Every function the model has met, by key (``module:qualified.name``)."""
        ...

    @property
    def classes(self) -> dict[str, ClassRecord]:
        """Every class the model has met, by key."""
        ...

    @property
    def method_apps(self) -> dict[str, AppInfo]:
        """Methods whose ``def`` in a class body is decorated as an app: method key -> app."""
        ...

    def absolute(self, info: ModuleInfo, level: int, module: str | None) -> str:
        """The module ``from <level><module> import`` names, seen from ``info``."""
        ...

    def symbol(self, module: str, name: str) -> Value | None:
        """What ``module.name`` is bound to at module level; None when it is not bound."""
        ...

    def resolve_qualname(self, qualname: str) -> Value:
        """The value of a dotted name such as ``pkg.mod.app`` or ``parsl.python_app``."""
        ...

    def import_binding(
        self, info: ModuleInfo, dotted: str, asname: str | None
    ) -> tuple[str, Value]:
        """``import a.b [as x]``: the name it binds and what that name holds."""
        ...

    def register_function(self, record: FuncRecord) -> Func:
        """The function's entry (the registered one when its node was seen before)."""
        ...

    def register_class(self, record: ClassRecord) -> Class:
        """The class's entry, with its methods registered."""
        ...

    def returns_of(self, key: str) -> Value:
        """What calling the function ``key`` returns."""
        ...

    def find_method(self, cls_key: str, name: str, after: str | None = None) -> FuncRecord | None:
        """The method ``name`` of a project class, by its MRO (after the class ``after``)."""
        ...

    def app_class_kind(self, cls_key: str) -> str | None:
        """The app kind of a project subclass of Parsl's ``PythonApp``/``BashApp``."""
        ...

    def site_attribute(self, module: str, name: str, cls_key: str, attr: str) -> Value | None:
        """What ``name.attr`` holds in ``module`` when ``name`` is a module-level instance
        whose stores from outside its class are all seen (``instances.py``)."""
        ...

    def parsl_call_after(self, cls_key: str) -> bool:
        """``super().__call__`` in the project class reaches Parsl's ``PythonApp.__call__``."""
        ...

    def holds_app_kernel(self, cls_key: str) -> bool:
        """Instances of the project class are Parsl apps (it derives from ``AppBase``) whose
        ``data_flow_kernel`` only Parsl's ``AppBase.__init__`` sets."""
        ...

    def makes_app(self, key: str) -> str | None:
        """The app kind a project decorator mirroring ``python_app`` makes."""
        ...

    def instance_attribute(self, cls_key: str, name: str) -> Value:
        """What ``self.name`` holds on instances of a project class."""
        ...

    def fixture_value(self, info: ModuleInfo, name: str, requester: str) -> Value:
        """What pytest passes for a test's (or fixture's) parameter ``name``."""
        ...

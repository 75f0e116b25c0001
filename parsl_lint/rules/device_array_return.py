"""PSL303 device-array-return: a python app returns a JAX array or a tensor on the GPU."""

from __future__ import annotations

import ast

from parsl_lint.ftypes import Applicability, Fix
from parsl_lint.model import resources
from parsl_lint.model.values import External, Module, Resource, Value
from parsl_lint.rule import Invalid, Rule, RuleContext, Valid

_ATOMIC = (ast.Name, ast.Attribute, ast.Call, ast.Subscript)
_NUMPY_NAMES = ("np", "numpy")
_INSTEAD = {
    "jax-array": "return a NumPy array (`np.asarray(...)`) instead",
    "cuda-tensor": "return a NumPy array (`.detach().cpu().numpy()`) instead",
    "cuda-object": "move it to the CPU (`.cpu()`) before returning it",
}


class DeviceArrayReturn(Rule):
    """
    ## What it does
    Finds a Python app that returns a JAX array (made by `jax.numpy`/`jax.random` functions or
    `jax.device_put`, or arithmetic on one) or a PyTorch tensor moved to the GPU (`.cuda()`,
    `.to("cuda")`, `device="cuda"`). Only values the model can trace to such a call are
    reported: a CPU tensor, or a value of unknown origin, is not.

    ## Why is this bad?
    The worker pickles the array to send it back, and the submitting process must unpickle it:
    that needs JAX (or PyTorch, and for a CUDA tensor a GPU) in the submitting process, often a
    login node without either. When the result cannot be loaded there, Parsl's result thread
    dies and every later task of that executor hangs (seen on HTEX, Parsl 2026.10). Even
    when it loads, it pulls the accelerator runtime into the submitting process. A NumPy array
    carries the same numbers and loads anywhere.

    ## Example
    ```python
    @python_app
    def simulate(n):
        import jax.numpy as jnp

        return jnp.linspace(0, 1, n) ** 2
    ```

    ## Use instead
    ```python
    @python_app
    def simulate(n):
        import jax.numpy as jnp
        import numpy as np

        return np.asarray(jnp.linspace(0, 1, n) ** 2)
    ```

    ## Fix safety
    Unsafe: the caller gets a NumPy array instead of a JAX array or tensor, and code that used
    array-library methods on the result (`.at[...]`, `.item()` on a tensor, `torch.stack`)
    must change. The JAX fix wraps the value in `np.asarray(...)`, reusing a module-level
    `import numpy` (under any name) or adding `import numpy`; it is not offered when the app
    body has imports of its own but none of NumPy (the app must then import it itself, since a
    module-level import may not exist on the worker). The PyTorch fix appends
    `.detach().cpu().numpy()` (`.detach()` because `.numpy()` refuses a tensor that requires
    grad). An object moved with `.cuda()` whose type is unknown gets no fix.

    ## Options
    None.
    """

    code = "PSL303"
    name = "device-array-return"
    summary = "A Python app returns a JAX array or a GPU tensor"
    fixable = True
    fix_applicability = Applicability.UNSAFE

    VALID = [
        Valid(
            """
            from parsl import python_app


            @python_app
            def gpu_count():
                import torch

                return torch.xpu.device_count()
            """,
            id="torch-device-count",
        ),
        Valid(
            """
            from parsl import python_app


            @python_app
            def features(n):
                import torch

                return torch.zeros(n) + 1
            """,
            id="cpu-tensor",
        ),
        Valid(
            """
            from parsl import python_app

            import jax.numpy as jnp
            import numpy as np


            @python_app
            def grid(n):
                return np.asarray(jnp.linspace(0, 1, n))


            def local(n):
                return jnp.zeros(n)
            """,
            id="already-numpy-and-non-app",
        ),
    ]
    INVALID = [
        Invalid(
            """
            from parsl import python_app

            import jax.numpy as jnp
            import numpy as np


            @python_app
            def grid(n):
                x = jnp.linspace(0, 1, n)
                return x * 2  # PSL303
            """,
            id="jax-array-with-module-numpy",
            messages=(
                "app `grid` returns `x * 2`, a JAX array (`jax.numpy.linspace()`), which loads "
                "only where JAX is installed and can hang Parsl's result thread; return a NumPy "
                "array (`np.asarray(...)`) instead",
            ),
            fixed="""
            from parsl import python_app

            import jax.numpy as jnp
            import numpy as np


            @python_app
            def grid(n):
                x = jnp.linspace(0, 1, n)
                return np.asarray(x * 2)  # PSL303
            """,
        ),
        Invalid(
            """
            from parsl import python_app

            import jax


            @python_app
            def sample(key, n):
                return jax.random.normal(key, (n,))  # PSL303
            """,
            id="jax-random-adds-numpy-import",
            messages=(
                "app `sample` returns `jax.random.normal(key, (n,))`, a JAX array "
                "(`jax.random.normal()`), which loads only where JAX is installed and can hang "
                "Parsl's result thread; return a NumPy array (`np.asarray(...)`) instead",
            ),
            fixed="""
            from parsl import python_app

            import jax
            import numpy


            @python_app
            def sample(key, n):
                return numpy.asarray(jax.random.normal(key, (n,)))  # PSL303
            """,
        ),
        Invalid(
            """
            from parsl import python_app


            @python_app
            def embed(tokens):
                import torch

                t = torch.tensor(tokens, device="cuda")
                return t.float()  # PSL303
            """,
            id="cuda-tensor-to-numpy",
            messages=(
                "app `embed` returns `t.float()`, a CUDA tensor (`torch.tensor()`), which loads "
                "only where PyTorch is installed and a GPU is present and can hang Parsl's "
                "result thread; return a NumPy array (`.detach().cpu().numpy()`) instead",
            ),
            fixed="""
            from parsl import python_app


            @python_app
            def embed(tokens):
                import torch

                t = torch.tensor(tokens, device="cuda")
                return t.float().detach().cpu().numpy()  # PSL303
            """,
        ),
        Invalid(
            """
            from parsl import python_app


            @python_app
            def infer(batch, model):
                import numpy as np
                import jax.numpy as jnp

                return jnp.asarray(batch) @ jnp.ones(3)  # PSL303
            """,
            id="jax-array-with-local-numpy-import",
            messages=(
                "app `infer` returns `jnp.asarray(batch) @ jnp.ones(3)`, a JAX array "
                "(`jax.numpy.asarray()`), which loads only where JAX is installed and can hang "
                "Parsl's result thread; return a NumPy array (`np.asarray(...)`) instead",
            ),
            fixed="""
            from parsl import python_app


            @python_app
            def infer(batch, model):
                import numpy as np
                import jax.numpy as jnp

                return np.asarray(jnp.asarray(batch) @ jnp.ones(3))  # PSL303
            """,
        ),
        Invalid(
            """
            from parsl import python_app


            @python_app
            def warm(model):
                import jax.numpy as jnp

                return model.cuda(), jnp.zeros(2)  # PSL303
            """,
            id="cuda-object-in-tuple-without-fix",
            messages=(
                "app `warm` returns `model.cuda(), jnp.zeros(2)`, which holds an object moved "
                "to the GPU (`.cuda()`) that loads only where PyTorch is installed and a GPU is "
                "present and can hang Parsl's result thread; move it to the CPU (`.cpu()`) "
                "before returning it",
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        model = ctx.model
        bodies = {info: node for node, info in model.app_functions()}
        for info, node, value in model.app_results():
            if info.kind != "python" or isinstance(node, (ast.Yield, ast.YieldFrom)):
                continue
            found = resources.find(value, resources.DEVICE)
            if not isinstance(found, Resource):
                continue
            needs = (
                "JAX is installed"
                if found.kind == "jax-array"
                else "PyTorch is installed and a GPU is present"
            )
            held = ", which" if found is value else " that"
            verb = "," if found is value else ", which holds"
            instead = _INSTEAD[found.kind]
            fix = None
            if found is value:
                fix = self._fix(ctx, node, found, bodies.get(info))
            ctx.report(
                self,
                node,
                f"app `{info.name}` returns `{ctx.shown(node)}`{verb} "
                f"{resources.describe(found)}{held} loads only where {needs} and can hang "
                f"Parsl's result thread; {instead}",
                fix=fix,
            )

    def _fix(
        self, ctx: RuleContext, node: ast.expr, found: Resource, body: ast.AST | None
    ) -> Fix | None:
        text = ctx.source(node)
        if found.kind == "cuda-tensor":
            target = text if isinstance(node, _ATOMIC) else f"({text})"
            return Fix(
                "Move the tensor to the CPU and return a NumPy array",
                (ctx.edit(node, f"{target}.detach().cpu().numpy()"),),
                Applicability.UNSAFE,
            )
        if found.kind != "jax-array" or body is None:
            return None
        numpy, imports = self._numpy_name(ctx, body)
        if numpy is None:
            return None
        return Fix(
            f"Return `{numpy}.asarray(...)`",
            (ctx.edit(node, f"{numpy}.asarray({text})"),),
            Applicability.UNSAFE,
            imports,
        )

    @staticmethod
    def _numpy_name(
        ctx: RuleContext, body: ast.AST
    ) -> tuple[str | None, tuple[tuple[str, str], ...]]:
        """The name NumPy is bound to where the app's body can see it, and imports to add."""
        local_imports = False
        for stmt in ast.walk(body):
            if isinstance(stmt, ast.Import):
                local_imports = True
                for alias in stmt.names:
                    if alias.name == "numpy":
                        return alias.asname or "numpy", ()
            elif isinstance(stmt, ast.ImportFrom):
                local_imports = True
        if local_imports:
            return None, ()  # the app imports what it needs itself: so must the fix
        project, module = ctx.model.project, ctx.model.module.name
        for name in _NUMPY_NAMES:
            if _is_numpy(project.symbol(module, name)):
                return name, ()
        if project.symbol(module, "numpy") is not None:
            return None, ()  # ``numpy`` means something else in this file
        return "numpy", (("numpy", ""),)


def _is_numpy(value: Value | None) -> bool:
    return value in (External("numpy"), Module("numpy"))

"""PSL401 no-worker-logdir: a ``HighThroughputExecutor`` without ``worker_logdir_root``."""

from __future__ import annotations

from parsl_lint.model.values import External
from parsl_lint.rule import Invalid, Rule, RuleContext, Valid

#: Parsl's executors that take ``worker_logdir_root``, by every public qualified name.
_EXECUTORS = frozenset(
    {
        "parsl.HighThroughputExecutor",
        "parsl.executors.HighThroughputExecutor",
        "parsl.executors.high_throughput.executor.HighThroughputExecutor",
        "parsl.executors.MPIExecutor",
        "parsl.executors.high_throughput.mpi_executor.MPIExecutor",
    }
)


class NoWorkerLogdir(Rule):
    """
    ## What it does
    Finds `HighThroughputExecutor(...)` (or `MPIExecutor(...)`) constructed without
    `worker_logdir_root`. Off by default: enable it with `--extend-select PSL401`.

    ## Why is this bad?
    Without it the workers write their logs (`worker_N.log`, `manager.log`) under the
    submitting side's `run_dir` (`runinfo/NNN/<label>/block-0/...`). On a cluster that path is
    often not on a file system the compute nodes share, or is somewhere nobody looks, and the
    logs that explain a lost worker or a crash before the task started are not where you
    search. Setting `worker_logdir_root` puts them in a known place that the nodes can write
    (`<root>/<label>/`); the interchange log stays under `run_dir`.

    ## Example
    ```python
    HighThroughputExecutor(label="htex", provider=SlurmProvider(...))
    ```

    ## Use instead
    ```python
    HighThroughputExecutor(
        label="htex",
        provider=SlurmProvider(...),
        worker_logdir_root="/scratch/me/parsl-worker-logs",
    )
    ```

    ## Fix safety
    No fix: only you know which directory the compute nodes can write.

    ## Options
    None.
    """

    code = "PSL401"
    name = "no-worker-logdir"
    summary = "HighThroughputExecutor without worker_logdir_root"
    default_enabled = False

    VALID = [
        Valid(
            """
            from parsl.executors import HighThroughputExecutor

            HighThroughputExecutor(label="htex", worker_logdir_root="/scratch/logs")
            """,
            id="worker-logdir-root-given",
        ),
        Valid(
            """
            from parsl.executors import HighThroughputExecutor

            options = {"worker_logdir_root": "/scratch/logs"}
            HighThroughputExecutor(label="htex", **options)
            """,
            id="keywords-from-a-mapping",
        ),
        Valid(
            """
            from mylib import HighThroughputExecutor

            HighThroughputExecutor(label="htex")
            """,
            id="other-library-class-of-the-same-name",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import parsl
            from parsl.config import Config

            config = Config(
                executors=[
                    parsl.HighThroughputExecutor(label="htex", max_workers_per_node=4),  # PSL401
                ]
            )
            """,
            id="htex-in-config",
            messages=(
                "`HighThroughputExecutor` without `worker_logdir_root` leaves the worker logs "
                "under the submitting side's run_dir; set `worker_logdir_root` to a directory "
                "the compute nodes share",
            ),
        ),
        Invalid(
            """
            from parsl.executors.high_throughput.executor import HighThroughputExecutor as HTEX

            executor = HTEX(  # PSL401
                label="htex",
                cores_per_worker=2,
            )
            """,
            id="aliased-htex-over-several-lines",
            messages=(
                "`HighThroughputExecutor` without `worker_logdir_root` leaves the worker logs "
                "under the submitting side's run_dir; set `worker_logdir_root` to a directory "
                "the compute nodes share",
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        for fact in ctx.model.calls():
            callee = fact.callee
            if not isinstance(callee, External) or callee.qualname not in _EXECUTORS:
                continue
            keywords = {kw.arg for kw in fact.node.keywords}
            if "worker_logdir_root" in keywords or None in keywords:
                continue
            cls = callee.qualname.rpartition(".")[2]
            ctx.report(
                self,
                fact.node,
                f"`{cls}` without `worker_logdir_root` leaves the worker logs under the "
                "submitting side's run_dir; set `worker_logdir_root` to a directory the "
                "compute nodes share",
            )

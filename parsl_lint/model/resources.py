"""Objects tied to the process that made them, by the qualified name of what makes them.

The evaluator asks :func:`call_value` about every call it cannot otherwise evaluate; when the
callee (or the receiver of a method call) is in one of these tables, the call's value is a
:class:`~parsl_lint.model.values.Resource` of some ``kind`` (or a ``Gen`` for a generator).
Rules then ask which family a kind belongs to. Every lookup is a dict or set lookup.

How each kind crosses between the submitting process and a worker was checked with dill 0.4,
Parsl's serializer since 2025.12 (the generator, socket, sqlite, lock and file cases also on a
real HighThroughputExecutor with Parsl 2026.10):

* ``UNSERIALIZABLE``: ``dill.dumps`` raises (``TypeError: cannot pickle 'socket' object``,
  ``RuntimeError: Lock objects should only be shared between processes through inheritance``,
  ``OSError`` for a ``Popen`` with pipes, ...) or ``dill.loads`` fails (``NamedTemporaryFile``).
* ``COPIED``: it pickles, but arrives as a different object: a file re-opened by name, a fresh
  unlocked lock or unset event, a copy of a ``Thread``/``Popen`` that controls nothing.
  Threads and ``Popen`` objects without pipes pickle with dill, so they are here, not above.
* ``DEVICE``: JAX arrays and tensors on a GPU: they pickle, but loading them needs the library
  (and, for CUDA tensors, a GPU) in the process that receives them.

A logger (``logging.getLogger``) pickles by name and arrives as the same-named logger: it is
kind ``"logger"``, in no family above (PSL102's fix asks for it). A CPU tensor pickles fine and
is kind ``"torch-tensor"`` only so that ``.cuda()`` on it can be followed.
"""

from __future__ import annotations

import ast

from parsl_lint.model.values import (
    UNKNOWN,
    Builtin,
    External,
    Gen,
    Mapping,
    Resource,
    Seq,
    Tup,
    Value,
)

#: Builtin names the evaluator resolves to ``Builtin(name)`` when the file does not rebind them.
BUILTINS = frozenset({"open"})

_FILE = "file"

#: Calls that make a resource: qualified name (``builtins.X`` for a builtin) -> kind.
CALLS: dict[str, str] = {
    "builtins.open": _FILE,
    "io.open": _FILE,
    "tempfile.TemporaryFile": _FILE,
    "tempfile.NamedTemporaryFile": "temp-file",
    "socket.socket": "socket",
    "socket.create_connection": "socket",
    "socket.create_server": "socket",
    "socket.fromfd": "socket",
    "sqlite3.connect": "db-connection",
    "psycopg2.connect": "db-connection",
    "psycopg.connect": "db-connection",
    "pymysql.connect": "db-connection",
    "MySQLdb.connect": "db-connection",
    "mysql.connector.connect": "db-connection",
    "pyodbc.connect": "db-connection",
    "cx_Oracle.connect": "db-connection",
    "oracledb.connect": "db-connection",
    "subprocess.Popen": "subprocess",
    "threading.Thread": "thread",
    "threading.Timer": "thread",
    "threading.Lock": "lock",
    "threading.RLock": "lock",
    "threading.Condition": "lock",
    "threading.Semaphore": "lock",
    "threading.BoundedSemaphore": "lock",
    "threading.Barrier": "lock",
    "threading.Event": "event",
    "threading.local": "thread-local",
    "queue.Queue": "queue",
    "queue.LifoQueue": "queue",
    "queue.PriorityQueue": "queue",
    "queue.SimpleQueue": "simple-queue",
    "concurrent.futures.ThreadPoolExecutor": "executor",
    "concurrent.futures.ProcessPoolExecutor": "executor",
    "logging.getLogger": "logger",
    "logging.LoggerAdapter": "logger",
}
for _name in (
    "Lock",
    "RLock",
    "Condition",
    "Semaphore",
    "BoundedSemaphore",
    "Event",
    "Barrier",
    "Queue",
    "JoinableQueue",
    "SimpleQueue",
):
    CALLS[f"multiprocessing.{_name}"] = "mp-sync"
CALLS["multiprocessing.Process"] = "mp-process"
CALLS["multiprocessing.Pool"] = "mp-pool"
CALLS["multiprocessing.pool.Pool"] = "mp-pool"
CALLS["multiprocessing.pool.ThreadPool"] = "mp-pool"
CALLS["multiprocessing.Manager"] = "mp-manager"

#: Calls that return a generator (or another iterator that cannot be pickled).
GENERATOR_CALLS = frozenset({"os.walk", "os.scandir", "glob.iglob"})

#: Kinds that cannot be pickled at all (PSL301, PSL302).
UNSERIALIZABLE = frozenset(
    {
        "generator",
        "socket",
        "db-connection",
        "db-cursor",
        "subprocess-pipes",
        "temp-file",
        "thread-local",
        "simple-queue",
        "executor",
        "mp-sync",
        "mp-process",
        "mp-pool",
        "mp-manager",
    }
)
#: Kinds that pickle but arrive as a different, disconnected object (PSL304).
COPIED = frozenset({_FILE, "lock", "event", "queue", "thread", "subprocess"})
#: Kinds that are arrays on an accelerator or of an accelerator library (PSL303).
DEVICE = frozenset({"jax-array", "cuda-tensor", "cuda-object"})

_TORCH = frozenset({"torch-tensor", "cuda-tensor"})
#: ``with X as name`` binds ``name`` to X itself for these kinds (``__enter__`` returns self).
ENTERS_AS_SELF = frozenset(
    {_FILE, "temp-file", "socket", "db-connection", "subprocess", "subprocess-pipes"}
    | {"executor", "mp-pool", "mp-manager"}
)

_TEXT: dict[str, str] = {
    "generator": "a generator",
    "socket": "a socket",
    "db-connection": "a database connection",
    "db-cursor": "a database cursor",
    "subprocess-pipes": "a subprocess with pipes",
    "temp-file": "a named temporary file",
    "thread-local": "a `threading.local`",
    "simple-queue": "a `queue.SimpleQueue`",
    "executor": "an executor",
    "mp-sync": "a multiprocessing lock, event or queue",
    "mp-process": "a multiprocessing process",
    "mp-pool": "a multiprocessing pool",
    "mp-manager": "a multiprocessing manager",
    _FILE: "an open file",
    "lock": "a lock",
    "event": "an event",
    "queue": "a queue",
    "thread": "a thread",
    "subprocess": "a subprocess",
    "jax-array": "a JAX array",
    "cuda-tensor": "a CUDA tensor",
    "cuda-object": "an object moved to the GPU",
    "logger": "a logger",
    "torch-tensor": "a tensor",
}

_JAX_NUMPY = (
    "array asarray zeros ones empty full arange linspace logspace eye identity zeros_like "
    "ones_like empty_like full_like concatenate stack vstack hstack dot matmul einsum outer "
    "sum mean std var prod max min argmax argmin cumsum sort exp log sqrt square abs sin cos "
    "tanh power where maximum minimum clip reshape transpose diag tile repeat"
).split()
_JAX_RANDOM = "normal uniform randint bernoulli choice permutation PRNGKey key split".split()
JAX_CALLS = frozenset(
    [f"jax.numpy.{n}" for n in _JAX_NUMPY]
    + [f"jax.random.{n}" for n in _JAX_RANDOM]
    + ["jax.device_put", "jax.numpy.linalg.norm", "jax.numpy.linalg.inv"]
    + ["jax.numpy.linalg.solve", "jax.nn.relu", "jax.nn.sigmoid", "jax.nn.softmax"]
)
#: Methods of a JAX array that return a JAX array.
_JAX_METHODS = frozenset(
    (
        "reshape sum mean std var max min prod astype transpose flatten ravel squeeze clip "
        "round cumsum dot copy block_until_ready"
    ).split()
)
_TORCH_CTORS = (
    "tensor as_tensor from_numpy zeros ones empty full rand randn randint randperm arange "
    "linspace logspace eye zeros_like ones_like empty_like full_like rand_like randn_like "
    "cat stack matmul mm bmm exp log sqrt abs where clamp"
).split()
TORCH_CALLS = frozenset(f"torch.{n}" for n in _TORCH_CTORS)
#: Methods of a tensor that return a tensor on the same device.
_TORCH_METHODS = frozenset(
    (
        "detach clone float double half int long bool contiguous reshape view squeeze "
        "unsqueeze flatten permute transpose t sum mean abs exp log sqrt relu softmax "
        "requires_grad_"
    ).split()
)
_DB_CURSOR_METHODS = frozenset({"cursor", "execute", "executemany"})
_PIPE = External("subprocess.PIPE")


def call_value(
    node: ast.Call,
    callee: Value,
    receiver: Value | None,
    args: list[Value],
    kwargs: dict[str | None, Value],
) -> Value | None:
    """The value of a call that makes a resource, or None when none of the tables apply."""
    qualname = ""
    if isinstance(callee, External):
        qualname = callee.qualname
    elif isinstance(callee, Builtin) and callee.name in BUILTINS:
        qualname = f"builtins.{callee.name}"
    if qualname:
        return _made_by(qualname, node, args, kwargs)
    func = node.func
    if isinstance(func, ast.Attribute) and receiver is not None:
        return _method(func.attr, node, receiver, args, kwargs)
    return None


def _made_by(
    qualname: str, node: ast.Call, args: list[Value], kwargs: dict[str | None, Value]
) -> Value | None:
    kind = CALLS.get(qualname)
    if kind is not None:
        if kind == "subprocess" and any(v == _PIPE for v in kwargs.values()):
            kind = "subprocess-pipes"
        return Resource(kind, qualname.removeprefix("builtins."))
    if qualname in GENERATOR_CALLS:
        return Gen(UNKNOWN, qualname)
    if qualname == "socket.socketpair":
        sock = Resource("socket", qualname)
        return Tup((sock, sock))
    if qualname in JAX_CALLS:
        return Resource("jax-array", qualname)
    if qualname in TORCH_CALLS:
        device = _keyword(node, "device")
        cuda = device is not None and _is_cuda(device, kwargs.get("device"))
        return Resource("cuda-tensor" if cuda else "torch-tensor", qualname)
    if qualname == "torch.device" and node.args and _is_cuda(node.args[0], args[0]):
        return Resource("cuda-device", qualname)
    return None


def _method(
    attr: str,
    node: ast.Call,
    receiver: Value,
    args: list[Value],
    kwargs: dict[str | None, Value],
) -> Value | None:
    if isinstance(receiver, Resource):
        kind = receiver.kind
        if kind in _TORCH:
            return _tensor_method(attr, node, receiver, args, kwargs)
        if kind == "jax-array" and attr in _JAX_METHODS:
            return receiver
        if kind == "db-connection" and attr in _DB_CURSOR_METHODS:
            return Resource("db-cursor", f"{receiver.origin}(...).{attr}")
        return None
    if receiver is UNKNOWN and (
        (attr == "cuda" and not node.keywords and len(node.args) <= 1)
        or (attr == "to" and _target_device(node, args, kwargs) == "cuda")
    ):
        return Resource("cuda-object", f".{attr}")
    return None


def _tensor_method(
    attr: str,
    node: ast.Call,
    receiver: Resource,
    args: list[Value],
    kwargs: dict[str | None, Value],
) -> Value | None:
    if attr == "cuda":
        return Resource("cuda-tensor", receiver.origin)
    if attr == "cpu":
        return Resource("torch-tensor", receiver.origin)
    if attr == "to":
        device = _target_device(node, args, kwargs)
        if device == "cuda":
            return Resource("cuda-tensor", receiver.origin)
        if device == "cpu":
            return Resource("torch-tensor", receiver.origin)
        if device == "dtype":
            return receiver
        return None
    if attr in _TORCH_METHODS:
        return receiver
    return None


def _target_device(node: ast.Call, args: list[Value], kwargs: dict[str | None, Value]) -> str:
    """Where ``x.to(...)`` moves ``x``: "cuda", "cpu", "dtype" (same device) or ""."""
    device = _keyword(node, "device")
    if device is not None:
        value = kwargs.get("device", UNKNOWN)
    elif node.args and not isinstance(node.args[0], ast.Starred):
        device, value = node.args[0], args[0]
    else:
        return ""
    if _is_cuda(device, value):
        return "cuda"
    if isinstance(device, ast.Constant) and device.value == "cpu":
        return "cpu"
    if isinstance(value, External) and value.qualname.startswith("torch."):
        return "dtype" if value.qualname != "torch.device" else ""
    return ""


def _keyword(node: ast.Call, name: str) -> ast.expr | None:
    for kw in node.keywords:
        if kw.arg == name:
            return kw.value
    return None


def _is_cuda(node: ast.expr, value: Value | None) -> bool:
    if isinstance(value, Resource) and value.kind == "cuda-device":
        return True
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and (node.value == "cuda" or node.value.startswith("cuda:"))
    )


def binop_value(left: Value, right: Value) -> Value | None:
    """Arithmetic on a device array gives a device array (the "stickiest" operand wins)."""
    for kind in ("cuda-tensor", "jax-array", "torch-tensor"):
        for side in (left, right):
            if isinstance(side, Resource) and side.kind == kind:
                return side
    return None


def enters_as_self(value: Value) -> bool:
    """``with value as name`` binds ``name`` to ``value`` itself."""
    return isinstance(value, Resource) and value.kind in ENTERS_AS_SELF


def kind_of(value: Value) -> str | None:
    """The resource kind of a value (``"generator"`` for a ``Gen``), or None."""
    if isinstance(value, Gen):
        return "generator"
    if isinstance(value, Resource):
        return value.kind
    return None


def find(value: Value, kinds: frozenset[str], depth: int = 2) -> Value | None:
    """The first resource of one of ``kinds`` in ``value`` or in the containers it is made of."""
    kind = kind_of(value)
    if kind is not None:
        return value if kind in kinds else None
    if depth <= 0:
        return None
    if isinstance(value, Tup):
        for item in value.items:
            found = find(item, kinds, depth - 1)
            if found is not None:
                return found
    elif isinstance(value, Seq):
        return find(value.elem, kinds, depth - 1)
    elif isinstance(value, Mapping):
        return find(value.value, kinds, depth - 1)
    return None


def describe(value: Value) -> str:
    """What a resource is, for a message: ``a database connection (`sqlite3.connect()`)``."""
    if isinstance(value, Gen):
        if value.origin == "<genexpr>":
            return "a generator expression"
        if value.origin == "<yield>":
            return "a generator (the app body uses `yield`)"
        return f"a generator (`{value.origin}()`)"
    if isinstance(value, Resource):
        text = _TEXT.get(value.kind, "an object")
        return f"{text} (`{value.origin}()`)"
    return "an object"

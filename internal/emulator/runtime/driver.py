"""Driver of one emulated session's Python interpreter.

The Go side (interp.go) starts `python3 -u -X utf8 -c <program>` with
requests on fd 3, replies on fd 4 and a lifeline on fd 5 (a pipe whose
write end only the emulator holds), or has the factory's zygote (zygote.py)
fork a child with its pipes on those descriptors. Each request and reply is
a 4-byte big-endian length and a JSON body carrying a sequence number; fd 1
and fd 2 are left to the user's code. After each execution the driver
writes a marker to fd 1 and fd 2 so Go knows all output, including what
subprocesses wrote to those descriptors, has arrived.

This part runs in the interpreter: _run_session first forks the session's
supervisor off (supervisor.py), then serves requests; ipython_kernel.py
defines the IPython kernel, which _main starts when the interpreter can
import IPython (a zygote starts it once, before it forks); figures.py makes
plt.show() show figures as the service's inline backend does.

Everything the driver defines lives in this module's globals, which are not
the user's namespace (that is a fresh __main__ module), so user variables
cannot clash with it, and traceback frames of the driver are recognised by
their globals and hidden.
"""

import ast
import base64
import builtins
import io
import json
import linecache
import math
import os
import re
import struct
import sys
import time
import tokenize
import traceback
import types
import warnings

try:
    import fcntl as _fcntl
except ImportError:  # Windows
    _fcntl = None

_DRIVER_GLOBALS = globals()
sys.argv = [""]
# Importing modules from the session dir must not litter it with __pycache__.
sys.dont_write_bytecode = True


def _hide_range():
    """(lo, hi): where _hide puts descriptors, the upper half of the
    descriptor limit (at most 65536). Computed once (a zygote does it for
    its children, whose limit is its own)."""
    if not _HIDE_RANGE:
        try:
            import resource
            soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
            if soft == resource.RLIM_INFINITY:
                soft = 65536
        except Exception:
            soft = 1024
        soft = min(soft, 65536)
        _HIDE_RANGE.append((max(64, soft // 2), soft - 1))
    return _HIDE_RANGE[0]


_HIDE_RANGE = []


def _hide(fd):
    """Move a protocol descriptor to a random high number, so that user code
    writing to low descriptors (3, 4, ...) cannot reach the protocol."""
    lo, hi = _hide_range()
    if hi > lo:
        target = lo + int.from_bytes(os.urandom(4), "big") % (hi - lo)
        try:
            # The lowest free descriptor from target on, close-on-exec.
            high = _fcntl.fcntl(fd, _fcntl.F_DUPFD_CLOEXEC, target)
        except (AttributeError, OSError):
            pass  # no fcntl (Windows), or none free above target
        else:
            os.close(fd)
            return high
    os.set_inheritable(fd, False)
    return fd



def _read_exact(n):
    chunks = []
    while n:
        chunk = os.read(_IN, n)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


# The json module's C scanner and encoder, called directly: json.loads and
# json.dumps run several Python functions around them, whose pages a forked
# interpreter copies on its first message (some 80 page copies). Where the
# C parts are missing, json.loads and json.dumps.
try:
    _scan = json.JSONDecoder().scan_once
    _encode = json.encoder.c_make_encoder(
        None, json.JSONEncoder().default, json.encoder.encode_basestring_ascii,
        None, ": ", ", ", False, False, True)
except (AttributeError, TypeError):
    _scan = _encode = None


def _loads(data):
    """json.loads for a request (one JSON value, UTF-8)."""
    if _scan is None:
        return json.loads(data)
    text = data.decode("utf-8").strip()
    try:
        value, end = _scan(text, 0)
    except StopIteration:
        raise ValueError("a request is not JSON") from None
    if end != len(text):
        raise ValueError("a request has extra data")
    return value


def _dumps(msg):
    """json.dumps(msg).encode() for a reply (no circular references)."""
    if _encode is None:
        return json.dumps(msg).encode()
    return "".join(_encode(msg, 0)).encode()


def _recv():
    (n,) = struct.unpack(">I", _read_exact(4))
    return _loads(_read_exact(n))


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _send(msg):
    body = _dumps(msg)
    _write_all(_OUT, struct.pack(">I", len(body)) + body)


# --- /mnt/data mapping -----------------------------------------------------
#
# Code written for the service opens '/mnt/data/...'. The emulator keeps each
# session's files in its own directory, so path-taking functions are wrapped
# to rewrite '/mnt/data' and '/mnt/data/...' to that directory. This is a
# convenience for running unmodified code, NOT a security boundary: any
# other path, C extensions (sqlite3, pyarrow) and subprocesses see the real
# file system.
#
# Only the exact spelling is rewritten ('/mnt//data' or 'mnt/data' are not).
# Functions built on the wrapped ones follow: os.path.exists/isfile/isdir and
# pathlib call os.stat, os.walk and glob call os.scandir, pathlib's open and
# pandas call io.open or open, shutil calls all of these.

_MNT = "/mnt/data"
_MNT_B = b"/mnt/data"
_target = None  # the session dir, once bound


def _map_path(p):
    if _target is None:
        return p
    if isinstance(p, str):
        # A path already inside the session dir is left alone, so mapping
        # twice (os.path.exists calls os.stat) is harmless even when the
        # session dir itself lies under /mnt/data.
        if p == _target or p.startswith(_target + "/"):
            return p
        if p == _MNT or p.startswith(_MNT + "/"):
            return _target + p[len(_MNT):]
        return p
    if isinstance(p, bytes):
        target = os.fsencode(_target)
        if p == target or p.startswith(target + b"/"):
            return p
        if p == _MNT_B or p.startswith(_MNT_B + b"/"):
            return target + p[len(_MNT_B):]
        return p
    if isinstance(p, os.PathLike):
        raw = os.fspath(p)
        mapped = _map_path(raw)
        return p if mapped is raw else mapped
    return p


def _unmap_path(p):
    """The /mnt/data spelling of p when it is in the session dir."""
    if isinstance(p, str) and _inside_area(p):
        return _MNT + p[len(_target):]
    if isinstance(p, bytes) and _inside_area(p):
        return _MNT_B + p[len(os.fsencode(_target)):]
    return p


def _unmap_error(exc):
    """Make an error raised through a wrapper look as it would without the
    mapping. Runs only when a call fails, so the mapping costs nothing more
    when calls succeed.

    The wrapper's own frame, the first in the traceback when it catches
    the error, is dropped: the service's kernel has no such frame, and a
    bare raise keeps the traceback as set here (Python 3.11 and later;
    earlier ones add the frame back, and _format_exception hides it from
    the cell's report). An OSError's paths are named as the code spelled
    them: the session dir's host path means nothing on the service, and it
    would tell code where the emulator keeps its files; str() of an
    OSError is made from filename and filename2, so both change."""
    tb = exc.__traceback__
    if tb is not None and tb.tb_frame.f_globals is _DRIVER_GLOBALS:
        exc.__traceback__ = tb.tb_next
    if _target is None or not isinstance(exc, OSError):
        return
    for attr in ("filename", "filename2"):
        p = getattr(exc, attr, None)
        if p is not None:
            mapped = _unmap_path(p)
            if mapped is not p:
                setattr(exc, attr, mapped)


# Keyword names under which the wrapped functions take paths.
_PATH_KEYWORDS = ("file", "path", "src", "dst", "name", "top")


def _wrap(module, name, npaths=1):
    orig = getattr(module, name, None)
    if orig is None:
        return

    def wrapper(*args, **kwargs):
        if args:
            args = tuple(
                _map_path(a) if i < npaths else a for i, a in enumerate(args)
            )
        for key in _PATH_KEYWORDS:
            if key in kwargs:
                kwargs[key] = _map_path(kwargs[key])
        try:
            return orig(*args, **kwargs)
        except BaseException as exc:
            _unmap_error(exc)
            raise

    wrapper.__name__ = getattr(orig, "__name__", name)
    wrapper.__doc__ = getattr(orig, "__doc__", None)
    wrapper.__wrapped__ = orig
    return _install(module, name, orig, wrapper)


def _install(module, name, orig, fn):
    """Put fn in the place of module.name, which is orig, and return it.

    A builtin (os.stat, io.open), unlike a Python function, does not bind
    as a method when a class keeps it as an attribute: pathlib before
    Python 3.11 keeps os.stat, io.open and others on its accessor class and
    calls them through an instance, and a bound wrapper took the instance
    for the path. So fn stands in for a builtin as an object that does not
    bind either, whose type calls fn itself (no frame of its own).

    fn pickles, as the original did, as a reference to module.name, which
    names fn itself where it is unpickled (multiprocessing's workers,
    forked from this interpreter): Pool.map(os.stat, ...) pickles os.stat.
    Its own module, the driver's __main__, has no such name."""
    fn.__module__ = module.__name__
    fn.__qualname__ = name
    if not hasattr(orig, "__get__"):
        stand_in = type(name, (), {"__call__": staticmethod(fn),
                                   "__reduce__": lambda self: name})()
        for attr in ("__name__", "__qualname__", "__module__", "__doc__",
                     "__wrapped__"):
            setattr(stand_in, attr, getattr(fn, attr))
        fn = stand_in
    # shutil, os.fwalk and others test capabilities by identity
    # (os.stat in os.supports_dir_fd); the wrapper has the original's.
    for caps in ("supports_dir_fd", "supports_fd", "supports_follow_symlinks",
                 "supports_effective_ids"):
        caps = getattr(os, caps, None)
        if caps is not None and orig in caps:
            caps.add(fn)
    setattr(module, name, fn)
    return fn


def _inside_area(p):
    """Whether p, a mapped path, is the session dir or under it."""
    if isinstance(p, bytes):
        target = os.fsencode(_target)
        return p == target or p.startswith(target + b"/")
    return p == _target or p.startswith(_target + "/")


def _wrap_symlink():
    """os.symlink stores a link into the area as a relative link.

    The link's target is stored as given, not opened, so rewriting it to the
    session dir's host path would leave a link that only this interpreter
    can follow: the Files API, like the service, sees the area at /mnt/data
    and refuses links that lead outside it. A relative link works in both."""
    orig = os.symlink

    def symlink(src, dst, *args, **kwargs):
        dst = _map_path(dst)
        if _target is not None and not isinstance(src, int):
            mapped = _map_path(os.fspath(src))
            if (_inside_area(mapped) and not isinstance(dst, int)
                    and kwargs.get("dir_fd") is None):
                link_dir = os.path.dirname(os.path.abspath(os.fspath(dst)))
                src = os.path.relpath(mapped, link_dir)
        try:
            return orig(src, dst, *args, **kwargs)
        except BaseException as exc:
            _unmap_error(exc)
            raise

    symlink.__name__ = symlink.__qualname__ = "symlink"
    symlink.__doc__ = orig.__doc__
    symlink.__wrapped__ = orig
    _install(os, "symlink", orig, symlink)


class _AreaEntry:
    """An os.DirEntry of a directory listed by its /mnt/data spelling,
    whose path (and os.fspath) is spelled so too, as on the service: the
    entry's own path is the session dir's host path. os.walk bottom-up and,
    from Python 3.13, pathlib's iterdir and glob build paths from it.

    os.DirEntry cannot be made or subclassed, so this stands in for one,
    passing for it (isinstance) and asking it for everything else."""

    __slots__ = ("_entry", "path")

    def __init__(self, entry, path):
        self._entry = entry
        self.path = path

    @property
    def __class__(self):
        return os.DirEntry

    @property
    def name(self):
        return self._entry.name

    def inode(self):
        return self._entry.inode()

    def is_dir(self, *, follow_symlinks=True):
        return self._entry.is_dir(follow_symlinks=follow_symlinks)

    def is_file(self, *, follow_symlinks=True):
        return self._entry.is_file(follow_symlinks=follow_symlinks)

    def is_symlink(self):
        return self._entry.is_symlink()

    def is_junction(self):
        return False  # Windows only

    def stat(self, *, follow_symlinks=True):
        try:
            return self._entry.stat(follow_symlinks=follow_symlinks)
        except OSError as exc:
            _unmap_error(exc)
            raise

    def __fspath__(self):
        return self.path

    def __repr__(self):
        return repr(self._entry)


class _AreaScandir:
    """os.scandir's iterator over a directory spelled /mnt/data/...,
    giving _AreaEntry entries; a context manager, like the original."""

    __slots__ = ("_it",)

    def __init__(self, it):
        self._it = it

    def __iter__(self):
        return self

    def __next__(self):
        entry = next(self._it)
        return _AreaEntry(entry, _unmap_path(entry.path))

    def close(self):
        self._it.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._it.close()


def _wrap_scandir():
    """os.scandir of a /mnt/data path lists the session dir, and its
    entries' paths say /mnt/data. Of any other path (the host path, a
    relative one, a descriptor), it is the original's."""
    orig = os.scandir

    def scandir(*args, **kwargs):
        given = args[0] if args else kwargs.get("path")
        mapped = _map_path(given)
        if args:
            args = (mapped,) + args[1:]
        elif "path" in kwargs:
            kwargs["path"] = mapped
        try:
            it = orig(*args, **kwargs)
        except BaseException as exc:
            _unmap_error(exc)
            raise
        return it if mapped is given else _AreaScandir(it)

    scandir.__name__ = scandir.__qualname__ = "scandir"
    scandir.__doc__ = orig.__doc__
    scandir.__wrapped__ = orig
    _install(os, "scandir", orig, scandir)


_mapped = []  # not empty once _install_mapping ran (a zygote runs it)


def _install_mapping():
    if _mapped:
        return
    _mapped.append(True)
    # builtins.open and io.open are the same function; wrap it once.
    builtins.open = io.open = _wrap(io, "open")
    # runpy.run_path reads scripts through io.open_code (imports use
    # _io.open_code, which stays as it is).
    _wrap(io, "open_code")
    for name in (
        "open", "stat", "lstat", "listdir", "remove", "unlink",
        "mkdir", "makedirs", "rmdir", "removedirs", "chdir", "access",
        "chmod", "utime", "truncate", "readlink", "statvfs",
        # shutil.copystat (copy2, copytree, move) copies extended
        # attributes: without these it failed on /mnt/data paths.
        "listxattr", "getxattr", "setxattr", "removexattr",
        "chown", "lchown", "mkfifo", "mknod", "pathconf",
    ):
        _wrap(os, name)
    for name in ("rename", "replace", "renames", "link"):
        _wrap(os, name, npaths=2)
    _wrap_symlink()
    _wrap_scandir()
    for name in ("exists", "lexists", "isfile", "isdir", "islink",
                 "getsize", "getmtime"):
        _wrap(os.path, name)


# --- output streams --------------------------------------------------------

_marker = b""


def _flush():
    for s in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            s.flush()
        except Exception:
            pass


def _end_streams():
    """Flush the user's streams and mark the end of this execution's output.

    Returns whether the marker reached fd 1 and fd 2."""
    _flush()
    marked = []
    for fd in (1, 2):
        try:
            _write_all(fd, _marker)
            marked.append(True)
        except OSError:
            marked.append(False)
    return marked


# --- execution -------------------------------------------------------------

# The user's namespace is a real __main__ module, as in Jupyter, so pickling
# and multiprocessing find classes the user defined.
_user = types.ModuleType("__main__")
_user.__dict__["__builtins__"] = builtins
sys.modules["__main__"] = _user
_count = 0

# matplotlib (if the user imports it) draws with Agg (MPLBACKEND is set by Go);
# plt.show() then warns that it cannot show, which Jupyter users never see.
warnings.filterwarnings(
    "ignore", message=".*non-interactive, and thus cannot be shown")


def _ends_with_semicolon(code):
    # IPython hides the value of a cell whose last statement ends in ';'.
    if ";" not in code:
        return False  # tokenize's Python code need not run
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return False
    skip = (tokenize.ENDMARKER, tokenize.NEWLINE, tokenize.NL,
            tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT)
    for tok in reversed(tokens):
        if tok.type not in skip:
            return tok.type == tokenize.OP and tok.string == ";"
    return False


def _describe(value, node):
    """The reply's value for the cell's trailing expression.

    A trailing call that returns None (print(...), plt.show(), list.sort())
    is a statement in disguise and gives no value, as Jupyter shows nothing
    for it; any other expression that is None (the literal, a variable)
    reports is_none, as the service's example for `None` does."""
    if value is None:
        if isinstance(node, ast.Call):
            return None
        return {"is_none": True, "repr": "None"}
    out = {"repr": repr(value)}
    native = _native(value)
    if native is not None:
        out["native"] = native
    return out


def _native(value):
    """The value as JSON text when it is an exact bool, int, finite float or
    str; None otherwise."""
    kind = type(value)
    if kind in (bool, int, str) or (kind is float and math.isfinite(value)):
        try:
            return json.dumps(value, ensure_ascii=False)
        except ValueError:  # an int past the str conversion digit limit
            pass
    return None


def _run_cell(code, filename, ns):
    try:
        tree = ast.parse(code, filename=filename)
    except SyntaxError as exc:
        # Drop the frames inside the ast module: the error is the cell's.
        raise exc.with_traceback(None)
    last = None
    if (tree.body and isinstance(tree.body[-1], ast.Expr)
            and not _ends_with_semicolon(code)):
        last = tree.body.pop().value
    if tree.body:
        exec(compile(tree, filename, "exec"), ns)
    if last is None:
        return None
    value = eval(compile(ast.Expression(last), filename, "eval"), ns)
    return _describe(value, last)


_CELL_FRAME = re.compile(
    r'^  File "(Cell In\[\d+\])", line (\d+)(?:, in (.*))?$', re.M)


def _cell_frame(m):
    line = "  %s, line %s" % (m.group(1), m.group(2))
    if m.group(3) and m.group(3) != "<module>":
        line += ", in " + m.group(3)
    return line


def _user_frames(tb):
    """tb without the driver's frames: _run_cell's at the top and, before
    Python 3.11 (see _unmap_error), the /mnt/data wrappers' inside it."""
    head = kept = None
    while tb is not None:
        if tb.tb_frame.f_globals is not _DRIVER_GLOBALS:
            if kept is None:
                head = tb
            else:
                kept.tb_next = tb
            kept = tb
        tb = tb.tb_next
    if kept is not None:
        kept.tb_next = None
    return head


def _format_exception(exc):
    """The standard traceback text, without the driver's frames, with cell
    frames shown as IPython shows them ("Cell In[3], line 1"); the
    exception line comes last."""
    tb = _user_frames(exc.__traceback__)
    text = "".join(traceback.format_exception(type(exc), exc, tb))
    return _CELL_FRAME.sub(_cell_frame, text).rstrip("\n")


def _take_figure(keep):
    """Make the current matplotlib figure, if any, the cell's image (when
    keep) and close all figures, so each execution reports only its own
    plot."""
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is None:
        return
    try:
        if keep and plt.get_fignums():
            _keep_image(_figure_png(plt.gcf()))
    except Exception:
        pass
    finally:
        try:
            plt.close("all")
        except Exception:
            pass


def _execute(req):
    global _count
    _count += 1
    filename = "Cell In[%d]" % _count
    code = req["code"]
    # Lets tracebacks quote the cell's lines, as IPython does.
    linecache.cache[filename] = (len(code), None, code.splitlines(True),
                                 filename)
    if req.get("empty"):
        # useEmptyKernel: a fresh namespace for this execution only.
        ns = {"__name__": "__main__", "__builtins__": builtins}
    else:
        ns = _user.__dict__
    status, value = "ok", None
    del _shown[:]
    start = time.perf_counter_ns()
    try:
        if _kernel is not None and not req.get("empty"):
            status, value = _run_ipython(code)
        else:
            value = _run_cell(code, filename, ns)
    except MemoryError:
        _leave_if_forked()
        status = "memory"
    except BaseException as exc:  # SystemExit too: the kernel lives on
        _leave_if_forked()
        status = "error"
        try:
            text = _format_exception(exc)
        except MemoryError:
            status, text = "memory", ""
        if text:
            try:
                _flush()
                _write_all(2, text.encode("utf-8", "backslashreplace"))
            except OSError:
                pass
    _leave_if_forked()
    duration = time.perf_counter_ns() - start
    # A figure left open comes after those shown, as the inline backend
    # shows it once the cell has run.
    _take_figure(status == "ok")
    if status == "ok" and _shown:
        value = dict(value or {}, image=_shown[-1])
    del _shown[:]
    out_marked, err_marked = _end_streams()
    return {
        "status": status,
        "duration_ns": duration,
        "value": value,
        "stdout_marked": out_marked,
        "stderr_marked": err_marked,
    }


def _leave_if_forked():
    """A bare os.fork() in a cell returns twice; the child must never reach
    the protocol (it would answer for the interpreter), so it leaves here,
    at once and without cleanup, as a forked child should."""
    if os.getpid() != _PID:
        os._exit(0)


def _bind(req):
    global _target
    directory = req["dir"]
    try:
        os.chdir(directory)
    except OSError as exc:
        return {"ok": False, "error": str(exc)}
    _target = directory
    return {"ok": True}


def _init(init):
    """Apply the init request; returns the kernel name for the reply, or
    None when the requested kernel cannot run."""
    global _marker
    limit = init.get("mem_limit") or 0
    if limit > 0:
        import resource
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _marker = init["marker"].encode()
    _install_mapping()
    if init.get("kernel") != "plain" and _start_ipython() is not None:
        return "ipython"
    if init.get("kernel") == "ipython":
        return None
    return "python"


def _main():
    init = _recv()
    kernel = _init(init)
    if kernel is None:
        _send({"seq": init.get("seq"), "ok": False,
               "error": "IPython cannot be imported by this interpreter"})
        return
    if _forked:
        # A forked interpreter shares its pages with the zygote until it
        # writes them, and each first write costs a page copy: pay them
        # now, while the interpreter waits in the ready pool, not in the
        # session's first cell.
        _warm_up()
    _send({"seq": init.get("seq"), "ok": True, "kernel": kernel})
    while True:
        try:
            req = _recv()
        except EOFError:
            return
        op = req.get("op")
        if op == "exec":
            reply = _execute(req)
        elif op == "bind":
            reply = _bind(req)
        else:
            reply = {"ok": False, "error": "unknown op %r" % (op,)}
        _leave_if_forked()
        reply["seq"] = req.get("seq")
        _send(reply)


_PID = None  # the interpreter's; a fork of user code has another
_forked = False  # forked by the zygote (zygote.py), not spawned


def _run_session():
    """Become a session's interpreter on fds 1-5: fork the supervisor off,
    then serve Go's requests until the request pipe ends. Never returns."""
    global _PID, _IN, _OUT
    if not _forked:  # a forked one's zygote closed them (zygote.py's _place)
        _close_inherited()
    if hasattr(os, "fork"):
        _start_supervisor()
    _PID = os.getpid()
    try:
        # Subprocesses of the user must not inherit the protocol descriptors.
        _IN = _hide(_IN)
        _OUT = _hide(_OUT)
        _main()
    finally:
        # Go closed the request pipe (the session ended, or the emulator
        # died): leave at once, without waiting for threads the user left
        # running.
        if os.getpid() == _PID:
            _flush()
        os._exit(0)

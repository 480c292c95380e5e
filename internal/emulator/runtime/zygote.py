"""The fork server (zygote): the last part of a factory's zygote program.

Starting Python costs tens of milliseconds of CPU (more where a .pth file
runs at start-up) and IPython half a second more, so a burst of new
sessions, each starting an interpreter, waits for all those starts. A
factory instead starts this program once (zygote.go): the driver is loaded,
the /mnt/data mapping installed (inert until a bind) and, for the IPython
kernel, a shell created that has run nothing. Each child forked from it is
a copy of that state, with nothing of any session in it.

Go talks to it over the SOCK_SEQPACKET socket on fd 3, one request and one
JSON reply per packet, one request at a time. A request is its operation
and its argument, separated by a space, so that the zygote parses it with
one call, not the json module's Python code (whose page copies a fork
would cost again each time):

  start K              -> {"ok": true, "kernel": "python"|"ipython"}
  fork T + 5 fds       -> {"pid": P}
  reap P               -> {"status": S} (a wait status)

Any request may be answered {"error": E} instead.

A fork request carries the new interpreter's pipe ends (SCM_RIGHTS): its
requests, replies, lifeline, stdout and stderr, which the child puts on fds
3, 4, 5, 1 and 2. The child leaves the zygote's process group for a group
of its own, takes the session's group tag T in its environment (where Go's
sweep and the exec'd subprocesses see it) and runs _run_session, as a
spawned interpreter does: it forks the supervisor off, and the supervisor
watches the lifeline. The zygote reaps a child only when Go asks, once Go
has killed what was left of the child's group, so that the child's pid (its
group id) cannot be reused while Go may still signal it. As a child
subreaper it also gets what a child's session left when its code killed
the supervisor; it kills and reaps that as it reaps the child.

The zygote forks only from this loop, while it is single-threaded, and
exits when the socket ends (Go closed it, or the emulator died; the
parent-death signal kills it too).
"""

import array
import fcntl
import gc
import resource
import socket

_SOCK = 3
_TAG_KEY = b"AZSESSIONS_EMULATOR_GROUP="
_TAG_NAME = _TAG_KEY[:-1]  # the key of os.environ._data (bytes on POSIX)
_FORK_FDS = (3, 4, 5, 1, 2)  # where the child puts the fds it is sent
_PR_GET_DUMPABLE = 3
_listdir = os.listdir  # not the /mnt/data wrapper _install_mapping installs


def _c_environ():
    """The C library's environ, an array of char pointers."""
    import ctypes
    return ctypes.POINTER(ctypes.c_void_p).in_dll(ctypes.CDLL(None), "environ")


def _environ_entry(prefix):
    """The address and bytes of the C environment's first entry that starts
    with prefix; (None, None) if there is none. The entries the process was
    started with are its initial environment block, which
    /proc/<pid>/environ shows."""
    import ctypes
    environ = _c_environ()
    i = 0
    while environ[i]:
        entry = ctypes.string_at(environ[i])
        if entry.startswith(prefix):
            return environ[i], entry
        i += 1
    return None, None


def _tag_slot():
    """A writable view of the group tag's value in this process's initial
    environment block, which /proc/<pid>/environ shows; each child
    overwrites it in place with its own tag. Fails unless /proc shows the
    change, so that Go falls back to spawning rather than lose its sweep."""
    import ctypes
    addr, entry = _environ_entry(_TAG_KEY)
    if addr is None:
        raise RuntimeError("no group tag in the zygote's environment")
    addr, old = addr + len(_TAG_KEY), entry[len(_TAG_KEY):]
    probe = b"x" * len(old)
    ctypes.memmove(addr, probe, len(old))
    try:
        with open("/proc/self/environ", "rb") as f:
            shown = _TAG_KEY + probe + b"\0" in f.read()
    finally:
        ctypes.memmove(addr, old, len(old))
    if not shown:
        raise RuntimeError("/proc does not show the zygote's environment")
    # A memoryview writes it without a foreign call (ctypes.memmove), whose
    # machinery a child would copy pages of.
    return memoryview((ctypes.c_char * len(old)).from_address(addr)).cast("B")


def _retag(slot, tag):
    """Write tag (ASCII bytes) into the environment block and os.environ."""
    if len(tag) != len(slot) or not tag.isalnum():
        raise ValueError("bad tag %r" % (tag,))
    slot[:] = tag
    # Programs exec'd with the inherited environment (execv) get that block,
    # which now holds the tag; posix_spawn and env=dict(os.environ) get
    # Python's view of it, updated here. putenv is not needed, and would
    # cost page copies in every forked child.
    os.environ._data[_TAG_NAME] = tag


def _single_threaded():
    try:
        return len(_listdir("/proc/self/task")) == 1
    except OSError:
        return False


_REQ_MAX = 1024  # bytes; a request is a few dozen


def _recv_request(sock):
    """(operation, argument, fds) of the next packet, both as bytes;
    (None, None, []) when the socket ends."""
    fds = array.array("i")
    msg, anc, flags, _ = sock.recvmsg(
        _REQ_MAX, socket.CMSG_SPACE(len(_FORK_FDS) * fds.itemsize))
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[:len(data) - len(data) % fds.itemsize])
    fds = list(fds)
    if not msg:
        for fd in fds:
            os.close(fd)
        return None, None, []
    if flags & (socket.MSG_TRUNC | socket.MSG_CTRUNC):
        for fd in fds:
            os.close(fd)
        return b"truncated", b"", []
    op, _, arg = msg.partition(b" ")
    return op, arg, fds


def _fd_limit():
    """The children's descriptor limit (the zygote's), at most 2**20."""
    limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if limit == resource.RLIM_INFINITY or limit > 1 << 20:
        limit = 1 << 20
    return limit


_close_to = [0]  # _fd_limit(), once the zygote has started


def _place(fds):
    """Put the received fds on _FORK_FDS and close every other descriptor
    above them (the zygote's socket among them)."""
    above = max(_FORK_FDS) + 1
    high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, above) for fd in fds]
    for fd in fds:
        os.close(fd)
    for src, dst in zip(high, _FORK_FDS):
        os.dup2(src, dst)  # inheritable, as a spawned interpreter's are
    os.closerange(above, max(_close_to[0], max(high) + 1))


def _child(sock, slot, tag, fds):
    """The forked child: become a session's interpreter. Never returns."""
    global _forked
    _forked = True
    try:
        sock.detach()  # its fd is closed by _place, not by the object
        os.setpgid(0, 0)
        _retag(slot, tag)
        _place(fds)
    except BaseException:
        os._exit(70)
    _run_session()


def _fork(sock, slot, tag, fds):
    """The reply to a fork request, JSON. Formatted here, not by the json
    module, for the same reason as requests are not JSON."""
    try:
        if len(fds) != len(_FORK_FDS) or not tag:
            return _json_reply({"error": "a fork request needs a tag and %d fds" % len(_FORK_FDS)})
        if not _single_threaded():
            return _json_reply({"error": "the zygote is not single-threaded"})
        pid = os.fork()
        if pid == 0:
            _child(sock, slot, tag, fds)
        _forks.add(pid)
        try:
            # The child does the same; whichever runs first makes it a
            # group leader before Go sees the pid.
            os.setpgid(pid, pid)
        except OSError:
            pass
        return b'{"pid": %d}' % pid
    finally:
        for fd in fds:
            os.close(fd)


def _json_reply(reply):
    return json.dumps(reply).encode()


_REAP_WAIT = 3.0  # seconds; Go gives a reap 5 (zygoteTimeout)
# How long a reap may take in all, the orphans' kill included: the rest of
# Go's zygoteTimeout, less a margin for the reply.
_REAP_BUDGET = 4.0


def _reap(arg):
    """Reap the child arg (its pid) once it has exited. Go asks when its pidfd
    shows the exit, which may come before the child is waitable: wait for
    it then, for a bounded time, so that a pid that is not an exited child
    gets an error and the zygote goes on serving."""
    deadline = time.monotonic() + _REAP_BUDGET
    try:
        pid = int(arg)
        if pid <= 0:  # would reap any child
            raise ValueError("bad pid %d" % pid)
        got, status = os.waitpid(pid, os.WNOHANG)
        if got == 0:
            _wait_exit(pid, _REAP_WAIT)
            got, status = os.waitpid(pid, os.WNOHANG)
    except (OSError, TypeError, ValueError) as exc:
        return {"error": str(exc)}
    if got == 0:
        return {"error": "process %d is still running" % pid}
    _forks.discard(pid)
    _kill_orphans(pid, deadline)
    return {"status": status}


# The supervisors forked and not yet reaped: every other child of the
# zygote is an orphan of a session (see _kill_orphans).
_forks = set()


def _kill_orphans(leader, deadline):
    """Kill whatever a session left to the zygote, its subreaper, and reap
    it. A supervisor makes every process of its session its descendant,
    but code that kills the supervisor itself (os.killpg(0, SIGKILL) kills
    its whole group at once) leaves the processes it started in sessions
    of their own, double-forked with an empty environment, to the nearest
    subreaper: the zygote. Go asks to reap a supervisor (leader) once it
    has exited, and the kernel handed its orphans over before that.

    An orphan may fork and exit in a loop, so that the pid listed is gone
    by the time it is signalled, its successor born: on a loaded machine
    such pid-hoppers outran a kill by pid. So each orphan's process group
    and session (the group the session's leader made) are killed too,
    which the kernel does at once for every member, a forking one
    included; only groups that cannot be the zygote's or the emulator's:
    those of sessions other than ours (a session cannot be joined, so
    every process in it came from the dead session), and the dead
    leader's own group (whose id the kernel keeps from reuse while it has
    members). Bounded by deadline (within zygoteTimeout): an orphan that
    does not die (stuck in the kernel) is left to init."""
    me = os.getpid()
    ours = os.getsid(0)
    while True:
        try:
            kids = _read(b"/proc/%d/task/%d/children" % (me, me), True).split()
        except OSError:
            return  # a kernel without children lists
        orphans = [pid for pid in map(int, kids) if pid not in _forks]
        if not orphans or time.monotonic() >= deadline:
            return
        for pid in orphans:
            _kill_orphan(pid, leader, ours)
        for pid in orphans:
            for kid in _descendants(pid) or ():
                _kill_orphan(kid, leader, ours)
        # Their children come to us as they die: the next round has them.
        for pid in orphans:
            try:
                if os.waitpid(pid, os.WNOHANG)[0] == 0:
                    _wait_exit(pid, max(0.0, deadline - time.monotonic()))
                    os.waitpid(pid, os.WNOHANG)
            except OSError:
                pass


def _kill_orphan(pid, leader, ours):
    """SIGKILL pid, and its group and its session's group where they are
    the dead session's alone (see _kill_orphans)."""
    try:
        sid = os.getsid(pid)
        groups = {os.getpgid(pid), sid}
        if sid == ours:
            groups &= {leader}
    except OSError:
        groups = ()  # gone (or a zombie) already
    for group in groups:
        if group > 1:
            try:
                os.killpg(group, signal.SIGKILL)
            except OSError:
                pass
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def _wait_exit(pid, timeout):
    """Wait until the child pid has exited, at most timeout seconds."""
    import select
    import time
    if hasattr(os, "pidfd_open"):
        fd = os.pidfd_open(pid)
        try:
            poller = select.poll()
            poller.register(fd, select.POLLIN)  # readable once it exits
            poller.poll(int(timeout * 1000))
        finally:
            os.close(fd)
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT):
            return
        time.sleep(0.01)


class _Off:
    """Codes that do nothing, for the fork handlers _quiet_fork_handlers
    turns off (the same signatures and free variables as theirs)."""

    def after_fork():
        pass

    def seed(self, a=None, version=2):
        __class__  # noqa: B018 (random.Random.seed has this free variable)


def _quiet_fork_handlers():
    """Turn off the fork handlers of threading, random and logging (where
    loaded: a .pth file may load the first two at start-up, IPython loads
    all three) for the zygote's forks and the supervisors' forks after
    them. Each would run Python code in every child, whose page copies cost
    more than the rest of a fork (logging's some 75 in a supervisor of the
    IPython kernel): threading's cleans up after the other threads of the
    parent, and the zygote and the supervisors have none (_fork checks);
    random's draws a new seed and logging's unlocks the module lock its
    before-fork handler took, which only the interpreter needs: it turns
    them back on for the session's code and runs those two once itself
    (_restore_fork_handlers, with what _quieted says to run)."""
    import sys
    handlers = []
    threading = sys.modules.get("threading")
    if threading is not None:
        handlers.append((getattr(threading, "_after_fork", None), _Off.after_fork, None))
    random = sys.modules.get("random")
    if random is not None:
        handlers.append((getattr(random.Random, "seed", None), _Off.seed,
                         getattr(getattr(random, "_inst", None), "seed", None)))
    logging = sys.modules.get("logging")
    if logging is not None:
        reinit = getattr(logging, "_after_at_fork_child_reinit_locks", None)
        handlers.append((reinit, _Off.after_fork, reinit))
    for fn, off, rerun in handlers:
        code = getattr(fn, "__code__", None)
        if code is None:
            continue
        try:
            fn.__code__ = off.__code__
        except ValueError:  # another signature: leave it on
            continue
        _quieted.append((fn, code, rerun))


_BIND_NOW = "LD_BIND_NOW"
_BIND_NOW_OURS = "azsessions-zygote"  # zygote.go's bindNowEnv
_BIND_NOW_ENTRY = ("%s=%s" % (_BIND_NOW, _BIND_NOW_OURS)).encode("ascii")


def _unbind_now():
    """Remove the LD_BIND_NOW that Go set for the zygote alone (zygote.go's
    bindNowEnv) from os.environ and the C environment, which the children
    inherit and pass on to what they exec, and cut its entry out of the
    initial environment block, which the children inherit too and
    /proc/<pid>/environ shows. The loader read it at start-up (and keeps
    its choice for every library loaded later): the zygote's symbols are
    bound, and each child inherits them bound.

    The block is cut whatever code that ran before (a sitecustomize, a
    .pth file) did with the variable: set again, the C environment holds a
    copy on the heap and the block still holds Go's entry; removed, the
    block holds it all the same."""
    if os.environ.get(_BIND_NOW) == _BIND_NOW_OURS:
        del os.environ[_BIND_NOW]  # unsetenv too: no pointer to it is left
    _cut_environ_entry(_BIND_NOW_ENTRY)


def _cut_environ_entry(entry):
    """Take entry out of the initial environment block, if it is one of
    the block's entries: the entries after it move down (the C
    environment's pointers with them) and the block ends with as many NULs
    as the entry took. The block's bounds are fixed by the kernel at exec
    (moving them needs privilege). Only Go's entries (the group tag) come
    after bindNowEnv, which nothing but environ points at."""
    import ctypes
    with open("/proc/self/stat", "rb") as f:
        stat = f.read()
    fields = stat[stat.rfind(b")") + 2:].split()
    env_start, env_end = int(fields[47]), int(fields[48])  # fields 50, 51
    at = (b"\0" + ctypes.string_at(env_start, env_end - env_start)).find(b"\0" + entry + b"\0")
    if at < 0:
        return
    addr, size = env_start + at, len(entry) + 1
    ctypes.memmove(addr, addr + size, env_end - addr - size)
    ctypes.memset(env_end - size, 0, size)
    environ = _c_environ()
    i = 0
    while environ[i]:
        if addr < environ[i] < env_end:
            environ[i] -= size
        i += 1


def _zygote_start(want):
    """Load what every child needs; returns (tag slot, the start reply).
    want is the kernel Go asked for: "plain", "ipython" or "" (IPython
    where it can be imported)."""
    try:
        _unbind_now()
        slot = _tag_slot()
        _close_to[0] = _fd_limit()
        _install_mapping()
        kernel = "python"
        if want != "plain" and _start_ipython() is not None:
            kernel = "ipython"
        elif want == "ipython":
            return None, {"ok": False, "error": "IPython cannot be imported by this interpreter"}
        _warm_up()
        _quiet_fork_handlers()
    except Exception as exc:
        return None, {"ok": False, "error": "%s: %s" % (type(exc).__name__, exc)}
    return slot, {"ok": True, "kernel": kernel}


def _warm_up():
    """Do once here what every child would do first: load the modules and
    fill the caches (compiled regular expressions, IPython's input
    transformers) that a session's start and first cell need. Nothing of
    it is visible to a session: the cell runs in a throwaway namespace, or
    silently (no history, no execution count, no output). A child runs it
    again (driver.py's _main) to copy the pages a first cell writes; it
    leaves out tokenize, which only a cell with a ';' needs."""
    _prctl(_PR_GET_DUMPABLE, 0)  # loads the C library
    _hide_range()
    if not _forked:
        _ends_with_semicolon("None;")  # compiles tokenize's expressions
    _run_cell("None", "<warm-up>", {"__builtins__": builtins})
    _loads(b'{"op": "init", "seq": 0}')
    _dumps({"seq": 0, "ok": True})
    if _kernel is not None:
        _kernel.run_cell("None", store_history=False, silent=True)
        _trailing_bare_expression("None")


def _zygote_main():
    # Once here, not in each child: _place only closes up to the children's
    # descriptor limit, and a descriptor the emulator inherited above it
    # would otherwise reach every forked session.
    _close_inherited(_SOCK)
    sock = socket.socket(fileno=_SOCK)
    op, arg, _ = _recv_request(sock)
    if op != b"start":
        return
    slot, reply = _zygote_start(arg.decode("ascii", "replace"))
    sock.send(_json_reply(reply))
    if slot is None:
        return
    # What a killed supervisor leaves behind comes to us (_kill_orphans).
    _prctl(_PR_SET_CHILD_SUBREAPER, 1)
    # Start-up errors went to Go on stderr; from now on nothing is written.
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)
    # What was loaded is never freed: keep the collector off those pages,
    # so that the children share them with the zygote.
    gc.collect()
    gc.freeze()
    while True:
        op, arg, fds = _recv_request(sock)
        if op is None:
            return
        if op == b"fork":
            reply = _fork(sock, slot, arg, fds)
        else:
            for fd in fds:
                os.close(fd)
            if op == b"reap":
                reply = _json_reply(_reap(arg))
            else:
                reply = _json_reply({"error": "unknown op %r" % (op.decode("ascii", "replace"),)})
        sock.send(reply)


try:
    _zygote_main()
finally:
    os._exit(0)

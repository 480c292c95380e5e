"""The session supervisor: the first part of the interpreter's program.

interp.go runs supervisor.py, ipython_kernel.py, driver.py and figures.py
as one program (in that order), ended by a call of driver.py's
_run_session (a spawned interpreter) or by zygote.py (a fork server, whose
children call _run_session). _run_session calls _start_supervisor, which forks: the parent
stays behind as the session's supervisor, a child subreaper, so that every
process the session's code starts, even one that left the process group or
was orphaned by a double fork, stays its descendant. When the interpreter
dies, when Go asks (SIGTERM), or when the emulator dies (the lifeline on
fd 5 ends; a spawned supervisor also gets the parent-death signal), it kills
all of them, reaps them and exits, dying as the interpreter died. The child
goes on as the interpreter.
"""

import _signal
import os
import select
import signal
import sys
import time

_IN, _OUT, _LIFE = 3, 4, 5

_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36


_libc = []  # the C library, once loaded (a zygote loads it before forking)

# os.open as this program found it: driver.py later wraps it for the
# /mnt/data mapping, whose Python code a supervisor need not run.
_os_open = os.open

# The fork handlers a zygote turned off (zygote.py's _quiet_fork_handlers),
# as (function, its own code, what the interpreter runs once in its stead
# or None): each interpreter it forks restores them.
_quieted = []


def _prctl(option, arg):
    """prctl(2) through ctypes; False where there is no such call."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        if not _libc:
            import ctypes
            # Without use_errno, which nothing reads: its save and
            # restore of errno costs a forked child page copies.
            _libc.append(ctypes.CDLL(None))
        return _libc[0].prctl(option, arg, 0, 0, 0) == 0
    except Exception:
        return False


def _read(path, whole=False):
    """The file at path (bytes), or only its first 4096 bytes, through a
    bare descriptor: a buffered open costs an fstat, an ioctl and an lseek
    more per file, and a scan of /proc reads one file per process on the
    machine. (Python's os.open makes it close-on-exec.)"""
    fd = _os_open(path, os.O_RDONLY)
    try:
        chunks = [os.read(fd, 4096)]
        while whole and chunks[-1]:
            chunks.append(os.read(fd, 65536))
        return b"".join(chunks)
    finally:
        os.close(fd)


def _proc_table():
    """{pid: (ppid, pgid)} of every live (not zombie) process, from /proc;
    None where /proc cannot be read."""
    table = {}
    try:
        names = os.listdir(b"/proc")
    except OSError:
        return None
    for name in names:
        if not name.isdigit():
            continue
        try:
            stat = _read(b"/proc/" + name + b"/stat")
        except OSError:
            continue
        # The fields after the command name, which may hold spaces and
        # parentheses of its own: state, ppid, pgid (the name has at most
        # 16 bytes, so the first 4096 bytes hold them).
        fields = stat[stat.rfind(b")") + 2:].split(None, 3)
        try:
            if fields[0] != b"Z":
                table[int(name)] = (int(fields[1]), int(fields[2]))
        except (IndexError, ValueError):
            continue
    return table


def _tagged(pid, entry):
    try:
        env = _read("/proc/%d/environ" % pid, whole=True)
    except OSError:
        return False
    return env.startswith(entry) or (b"\0" + entry) in env


def _targets(me, pgid, tag_entry):
    """The live processes to kill: descendants of me (all of the session's,
    as we are its subreaper), members of our group and, where the subreaper
    could not be set, processes carrying the group tag. None where /proc
    cannot be read."""
    table = _proc_table()
    if table is None:
        return None
    children = {}
    found = set()
    for pid, (ppid, pg) in table.items():
        children.setdefault(ppid, []).append(pid)
        if pg == pgid:
            found.add(pid)
    frontier, seen = [me], {me}
    while frontier:
        for kid in children.get(frontier.pop(), ()):
            if kid not in seen:
                seen.add(kid)
                found.add(kid)
                frontier.append(kid)
    if tag_entry is not None:
        found.update(pid for pid in table if _tagged(pid, tag_entry))
    found.discard(me)
    return found


def _descendants(me):
    """Every descendant of me, walking the children lists of /proc, which
    costs a read per process of the session rather than one per process
    of the machine; None where the kernel has no such lists. A list read
    while its process forks may miss the new child: _kill_all looks again
    until it has no child left."""
    found, frontier = set(), [me]
    while frontier:
        pid = frontier.pop()
        try:
            tids = os.listdir(b"/proc/%d/task" % pid)
        except OSError:
            continue  # gone already
        for tid in tids:
            try:
                kids = _read(b"/proc/%d/task/%s/children" % (pid, tid), True)
            except OSError:
                if pid == me:
                    return None
                continue
            for kid in map(int, kids.split()):
                if kid not in found:
                    found.add(kid)
                    frontier.append(kid)
    return found


def _kill_all(me, pgid, tag_entry, wake, subreaper):
    """Kill every target until none is left, reaping our children (every
    orphan of the session, as subreaper) so nothing of it outlives us: as
    subreaper, once we have no child the session has no process left.
    Between rounds it waits for a SIGCHLD (on wake, the signal wakeup
    pipe) rather than looking again while a killed interpreter is still
    dying."""
    os.set_blocking(wake, False)
    for _ in range(10000):
        _drain(wake)  # first, so that a target dying after the scan wakes us
        targets = _descendants(me) if subreaper else None
        if targets is None:
            targets = _targets(me, pgid, tag_entry)
            if targets is None:
                return
        for pid in targets:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                if subreaper or not targets:
                    return
                break
            if pid == 0:
                break
        if targets:
            # Without subreaper the targets need not be our children,
            # whose deaths send us no SIGCHLD: poll for them.
            select.select([wake], [], [], 0.05 if subreaper else 0.001)


def _drain(fd):
    try:
        while os.read(fd, 512):
            pass
    except OSError:
        pass  # empty (EAGAIN)


def _ignore(signum, frame):
    pass


def _ask_stop(signum, frame):
    _stop.append(True)


def _supervise(child, subreaper):
    # The signal set-up is the supervisor's alone, made after the fork so
    # that the interpreter has nothing to undo: in a forked interpreter
    # every object either process touches costs it a page copy. A SIGCHLD
    # that came before it is not lost: the loop reaps before it waits.
    # _signal, not signal: the latter's wrappers convert to and from enums,
    # which touches many more objects.
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    _signal.set_wakeup_fd(wake_w)
    _signal.signal(signal.SIGCHLD, _ignore)
    _signal.signal(signal.SIGTERM, _ask_stop)
    devnull = _os_open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    os.close(_IN)
    os.close(_OUT)
    tag_entry = None
    if not subreaper:
        tag = os.environ.get("AZSESSIONS_EMULATOR_GROUP")
        if tag:
            tag_entry = ("AZSESSIONS_EMULATOR_GROUP=%s\0" % tag).encode()
    me, pgid = os.getpid(), os.getpgid(0)
    status = None
    while True:
        # Reap first, so the interpreter's own end is known even when Go's
        # SIGTERM (sent as it saw the replies pipe end) came with it.
        while True:
            try:
                pid, st = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                pid = 0
            if pid == 0:
                break
            if pid == child:
                status = st
        if status is not None or _stop:
            break
        try:
            ready = select.select([_LIFE, wake_r], [], [])[0]
        except OSError:
            break
        if _LIFE in ready:
            break  # the emulator is gone (or closed the lifeline)
        try:
            os.read(wake_r, 512)
        except OSError:
            pass
    _kill_all(me, pgid, tag_entry, wake_r, subreaper)
    if status is not None and os.WIFSIGNALED(status):
        # Die as the interpreter died, so Go sees its signal (SIGABRT from
        # an allocation failure), without writing a core file.
        sig = os.WTERMSIG(status)
        try:
            import resource
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        except Exception:
            pass
        try:
            signal.signal(sig, signal.SIG_DFL)
        except (OSError, ValueError):
            pass  # SIGKILL and SIGSTOP have no handler to reset
        os.kill(me, sig)
    if status is not None and os.WIFEXITED(status):
        os._exit(os.WEXITSTATUS(status))
    if tag_entry is not None or not subreaper:
        try:
            os.killpg(pgid, signal.SIGKILL)  # ourselves last
        except OSError:
            pass
    os._exit(0)


def _close_inherited(above=_LIFE):
    """Close every descriptor above the lifeline (or above): ones the
    emulator itself inherited without close-on-exec (a tool's or a CI
    runner's) would otherwise reach the user's code and everything it
    runs."""
    for d in ("/proc/self/fd", "/dev/fd"):
        try:
            fds = [int(n) for n in os.listdir(d)]
            break
        except (OSError, ValueError):
            continue
    else:
        return
    for fd in fds:
        if fd > above:
            try:
                os.close(fd)
            except OSError:
                pass  # the listing's own descriptor, closed already


_stop = []


def _start_supervisor():
    """Fork the interpreter; the parent stays as its supervisor. A SIGTERM
    before the supervisor handles it kills it outright, before any of the
    session's code has run: the interpreter then leaves (below, or by its
    parent-death signal)."""
    subreaper = _prctl(_PR_SET_CHILD_SUBREAPER, 1)
    supervisor = os.getpid()
    child = os.fork()
    if child:
        _supervise(child, subreaper)
    # The interpreter: leave if the supervisor is already gone.
    os.close(_LIFE)
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != supervisor:
        os._exit(1)
    _restore_fork_handlers()


def _restore_fork_handlers():
    """Give the interpreter back the fork handlers its zygote turned off,
    so that a fork in the session's code runs them, and do once what the
    interpreter's own fork needed of them: draw a new random seed (sessions
    forked from one zygote must not share a random sequence) and unlock
    logging's module lock (which its before-fork handler took in the
    supervisor, and the session's threads must be able to take); and give
    threading's main thread the interpreter's own native id."""
    for fn, code, _ in _quieted:
        fn.__code__ = code
    for _, _, rerun in _quieted:
        if rerun is not None:
            rerun()
    threading = sys.modules.get("threading")
    if threading is not None:
        # After a fork, threading still records the parent's thread id as
        # the main thread's native_id (CPython 3.11's fork handler does not
        # update it); a kernel the service starts has its own.
        set_native_id = getattr(threading.main_thread(), "_set_native_id", None)
        if set_native_id is not None:
            set_native_id()

"""The end of a supervised shell command's program (cwd-only mode).

shellsup.go runs supervisor.py followed by this file, which starts the
supervisor: the parent stays behind as the command's supervisor and
subreaper, and the child becomes the user's program. argv is
[-c, ctype, program, args...], where ctype is the LC_CTYPE the
emulator had: "=value", or "-" for none; fd 3 (_IN) is the status channel,
fd 4 (_OUT) a second copy of it, fd 5 (the lifeline) the supervisor's.
"""

_close_inherited()
_start_supervisor()
# A group of its own: the command's `kill -9 0` (or killpg of its group)
# must not reach the supervisor, whose death would leave what the command
# started outside the group to init. The supervisor still kills all of it.
os.setpgid(0, 0)
# Python ignores these; an exec'd program must not inherit that.
for _sig in (signal.SIGPIPE, signal.SIGXFSZ):
    signal.signal(_sig, signal.SIG_DFL)
# Under a C locale Python coerced LC_CTYPE in its environment (-I ignores
# PYTHONCOERCECLOCALE): give the user's program the emulator's own.
if sys.argv[1] == "-":
    os.environ.pop("LC_CTYPE", None)
else:
    os.environ["LC_CTYPE"] = sys.argv[1][1:]
os.close(_OUT)
os.set_inheritable(_IN, False)
_argv = sys.argv[2:]
try:
    os.execvp(_argv[0], _argv)
except OSError as e:
    # As bash reports it: 127 not found, 126 not runnable.
    _code = 127 if isinstance(e, FileNotFoundError) else 126
    os.write(2, os.fsencode(_argv[0]) + b": " + str(e.strerror or e).encode() + b"\n")
    os.write(_IN, b"exec %d\n" % _code)
    os._exit(_code)

"""The end of a supervised shell command's program (cwd-only mode).

shellsup.go runs supervisor.py followed by this file, which starts the
supervisor: the parent stays behind as the command's supervisor and
subreaper, and the child becomes the user's program. argv is
[-c, "drop" or "keep", program, args...]; fd 3 (_IN) is the status channel,
fd 4 (_OUT) a second copy of it, fd 5 (the lifeline) the supervisor's.
"""

_start_supervisor()
# Python ignores these; an exec'd program must not inherit that.
for _sig in (signal.SIGPIPE, signal.SIGXFSZ):
    signal.signal(_sig, signal.SIG_DFL)
if sys.argv[1] == "drop":
    del os.environ["PYTHONCOERCECLOCALE"]  # set by Go for this program only
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

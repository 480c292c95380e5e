"""The IPython kernel: cells run through IPython's InteractiveShell.

The second part of the interpreter's program (see supervisor.py). When the
interpreter can import IPython (and Go did not ask for the plain kernel),
driver.py's _init (or zygote.py, once for all its children) calls
_start_ipython and _execute runs each cell with _run_ipython, so that cells
behave as on the service's Jupyter kernel: the last expression is formatted
by IPython's display machinery (a long list pretty-printed one item per
line), display(...) works, and so do !command, %magics (%pip, %time,
%matplotlib inline) and rich outputs (a figure shown inline becomes the
image result). The /mnt/data mapping, the streams, the
protocol and the supervisor are the same as with the plain kernel.
"""

_kernel = None  # the InteractiveShell, once started


def _png_image(data):
    if isinstance(data, bytes):
        data = base64.b64encode(data).decode("ascii")
    return {"format": "png", "data": data}


def _start_ipython():
    """Start the shell; None when IPython cannot be imported. A zygote
    starts it before it forks: each child gets its own copy of a shell
    that has run nothing."""
    global _kernel
    if _kernel is not None:
        return _kernel
    try:
        from IPython.core.displayhook import DisplayHook
        from IPython.core.displaypub import DisplayPublisher
        from IPython.core.interactiveshell import InteractiveShell
        from traitlets import Type
        from traitlets.config import Config
    except Exception:
        return None

    class _Hook(DisplayHook):
        """Keeps the last expression's formatted data instead of printing
        an Out[n] prompt: it is the execution's result."""

        captured = None

        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            self.captured = format_dict
            if "image/png" in format_dict:
                _keep_image(_png_image(format_dict["image/png"]))

    class _Pub(DisplayPublisher):
        """display(...): an image becomes the execution's image result; any
        other data is printed as its text/plain form, as a notebook's text
        rendering shows it."""

        def publish(self, data, metadata=None, source=None, *,
                    transient=None, update=False, **kwargs):
            if "image/png" in data:
                _keep_image(_png_image(data["image/png"]))
            elif "text/plain" in data:
                print(data["text/plain"])

        def clear_output(self, wait=False):
            pass

    class _Shell(InteractiveShell):
        """The shell with the hooks above, and no GUI event loop to enable
        (%matplotlib inline asks for none; other GUIs cannot be shown)."""

        displayhook_class = Type(_Hook)
        display_pub_class = Type(_Pub)

        def enable_gui(self, gui=None):
            if gui not in (None, "inline"):
                raise NotImplementedError(
                    "the emulator has no GUI to show %r in" % (gui,))

    c = Config()
    # No history file is written (IPYTHONDIR, set by Go, holds the rest).
    c.HistoryManager.hist_file = ":memory:"
    c.InteractiveShell.colors = "NoColor"
    try:
        shell = _Shell.instance(config=c, user_module=_user)
    except Exception:
        # A broken installation, or too little memory under the cap: the
        # plain kernel still works.
        return None

    def _showtraceback(etype, evalue, stb):
        # IPython prints tracebacks to stdout; the service reports them in
        # stderr.
        sys.stdout.flush()
        sys.stderr.write(shell.InteractiveTB.stb2text(stb) + "\n")
        sys.stderr.flush()

    shell._showtraceback = _showtraceback
    _kernel = shell
    return shell


def _ipython_version():
    try:
        import IPython
        return IPython.__version__
    except Exception:
        return ""


def _trailing_bare_expression(code):
    """Whether the cell, as IPython transforms it, ends in an expression
    that is neither a call nor hidden by ';': the one case where a value
    of None is reported as None rather than as no value."""
    try:
        source = _kernel.transform_cell(code)
        tree = ast.parse(source)
    except Exception:
        return False
    return (bool(tree.body) and isinstance(tree.body[-1], ast.Expr)
            and not isinstance(tree.body[-1].value, ast.Call)
            and not _ends_with_semicolon(source))


def _run_ipython(code):
    """Run one cell in the shell; returns (status, value) as _execute does."""
    hook = _kernel.displayhook
    hook.captured = None
    result = _kernel.run_cell(code, store_history=True)
    _leave_if_forked()
    error = result.error_before_exec or result.error_in_exec
    if error is not None:
        return ("memory" if isinstance(error, MemoryError) else "error"), None
    value = None
    data = hook.captured
    if data is not None:
        value = {"repr": data.get("text/plain", "")}
        native = _native(result.result)
        if native is not None:
            value["native"] = native
    elif result.result is None and _trailing_bare_expression(code):
        value = {"is_none": True, "repr": "None"}
    return "ok", value

"""matplotlib figures, shown as the service's inline backend shows them.

The last part of the interpreter's program before it runs (see
supervisor.py); it uses driver.py's imports. The service runs cells on a
Jupyter kernel whose inline backend renders the open figures at each
plt.show() and closes them, so the next plot starts on a new figure. The
emulator draws with Agg (MPLBACKEND, set by Go, which the code's own
processes inherit), whose show() does nothing: plt.show() is replaced, in
both kernels, by one that does what the inline backend does. With
%matplotlib inline (IPython) the inline backend itself shows them.

The execution's result has room for one image: it is the last one the cell
showed, displayed or left open (see docs/emulator.md).
"""

_shown = []  # the last image of the running cell, if any


def _keep_image(image):
    """Make image the cell's image result, in place of any earlier one."""
    _shown[:] = [image]


def _figure_png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return {"format": "png",
            "data": base64.b64encode(buf.getvalue()).decode("ascii")}


def _inline_show(plt, show):
    """pyplot.show as the inline backend's: with the emulator's Agg
    backend, the open figures are shown and closed; with another backend
    (%matplotlib inline, matplotlib.use) that backend's show runs."""

    def _show(*args, **kwargs):
        if plt.get_backend().lower() != "agg":
            return show(*args, **kwargs)
        try:
            # Only the last figure can be the result: the others are not
            # rendered (the inline backend renders each, in this order).
            from matplotlib._pylab_helpers import Gcf
            managers = Gcf.get_all_fig_managers()
            if managers:
                _keep_image(_figure_png(managers[-1].canvas.figure))
        except Exception:
            # A figure that cannot be rendered (bad mathtext, say) does not
            # stop the cell: the inline backend's display prints the error,
            # as IPython's formatters catch it, and the cell goes on.
            if _kernel is not None:
                _kernel.showtraceback()
            else:
                traceback.print_exc()
        finally:
            plt.close("all")

    for name in ("__module__", "__name__", "__qualname__", "__doc__"):
        try:
            setattr(_show, name, getattr(show, name))
        except AttributeError:
            pass
    _show.__wrapped__ = show
    return _show


class _PyplotLoader:
    """matplotlib.pyplot's own loader, which replaces pyplot.show once the
    module has run; anything else is the loader's (get_source, ...)."""

    def __init__(self, loader):
        self._loader = loader

    def __getattr__(self, name):
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        module.show = _inline_show(module, module.show)


class _PyplotFinder:
    """Finds matplotlib.pyplot as the other finders do, with the loader
    above. matplotlib is imported only by code that uses it: a cell without
    it costs a name comparison per first import of a module."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name != "matplotlib.pyplot":
            return None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is _PyplotFinder or find is None:
                continue
            spec = find(name, path, target)
            if spec is not None:
                break
        else:
            return None
        if hasattr(spec.loader, "exec_module"):
            spec.loader = _PyplotLoader(spec.loader)
        return spec


sys.meta_path.insert(0, _PyplotFinder)

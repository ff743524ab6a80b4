"""A notebook as IPython and Jupyter run one, for tests that redefine things.

IPython compiles each cell under a name of its own (`<ipython-input-3-...>`)
and stores the cell's text in `linecache` under that name, which is how
`inspect` (and Myia) find the source of a function typed in a cell.  Cells
run in one shared namespace, so a later cell rebinds the globals an earlier
cell's functions read.
"""

import itertools
import linecache
import textwrap

_count = itertools.count(1)


class Notebook:
    def __init__(self):
        self.ns = {"__name__": "__main__"}

    def run(self, src):
        """Run one cell; returns the namespace."""
        src = textwrap.dedent(src)
        name = f"<ipython-input-{next(_count)}-myia-test>"
        linecache.cache[name] = (len(src), None, src.splitlines(True), name)
        exec(compile(src, name, "exec"), self.ns)
        return self.ns

    def __getitem__(self, name):
        return self.ns[name]

"""Random well-formed programs of the Myia subset, as source text.

`programs(...)` is a hypothesis strategy giving a `Program`: the source of a
module defining `f(x, y, n)` (floats `x`, `y`, an int `n`), or
`f(x, y, n, a, m)` with a float64 vector `a` of length 3 and a 3x3 matrix
`m` when it uses arrays, built from float and int
arithmetic, `math` functions, comparisons, `if/elif/else`, conditional
expressions, `for` loops over `range(...)`, tuples and matrix rows, counted `while` loops with `break`
and `continue`, nested closures reading outer variables, tuples (built,
unpacked, indexed by a constant or a runtime int), a self-recursive helper
with a depth bound, early `return`s and small numpy arrays.  For example:

    def f(x, y, n):
        v0 = math.tanh((x * y))
        for i0 in range(3):
            if (v0 > 0.5):
                break
            v0 = math.tanh((v0 + x))
        return v0

Programs terminate (trip counts and recursion depths are bounded by
constants) and stay numerically tame (stored floats go through `tanh`,
`sin` or `cos`; `exp` sees a bounded argument; division is guarded unless
`raw_division` asks for `e / var` or `i // k` in returned expressions, which
may raise as in CPython).

`Program.traced` is the same module with every branch decision wrapped in
`_c(...)`, which records it: gradients are checked only at points where the
decisions do not change within the finite-difference step.
"""

import dataclasses

from hypothesis import strategies as st

HEADER = "import math\n\nimport numpy as np\n\n"
TRACER = "_DECISIONS = []\n\n\ndef _c(v):\n    _DECISIONS.append(bool(v))\n    return v\n\n"
MARK = "@C("  # a branch decision; `(` in the program, `_c(` in the traced copy


@dataclasses.dataclass(repr=False)
class Program:
    """A generated module: `source` for Myia, `traced` for finding branch flips."""

    source: str
    traced: str
    returns: str  # "float", "tuple" or "array"
    uses_arrays: bool

    def __repr__(self):  # what hypothesis prints with a failure: the test notes the source
        return f"Program(returns={self.returns!r}, uses_arrays={self.uses_arrays})"


class _Gen:
    """Draws one program; scopes hold the names visible at the current point."""

    def __init__(self, draw, arrays, raw_division, returns):
        self.draw = draw
        self.arrays = arrays
        self.raw_division = raw_division
        self.live = False  # in a returned expression: `raw_division` may apply
        self.returns = returns
        self.helpers = []
        self.count = 0
        self.loop_depth = 0
        self.fn_base = 0  # scopes from here on belong to the innermost def
        self.frozen = set()  # while counters: never reassigned, so loops end
        self.kinds = [returns]  # what a `return` gives, innermost def last
        self.scopes = [{"f": ["x", "y"], "i": ["n"], "a": ["a"] if arrays else [],
                        "t": [], "g": []}]

    # ----- names -------------------------------------------------------------

    def fresh(self, prefix):
        self.count += 1
        return f"{prefix}{self.count}"

    def visible(self, kind):
        return [v for s in self.scopes for v in s[kind]]

    def assignable(self, kind):
        """Names the innermost def may rebind (rebinding an outer name would make it local)."""
        return [v for s in self.scopes[self.fn_base:] for v in s[kind] if v not in self.frozen]

    def bind(self, kind, name):
        self.scopes[-1][kind].append(name)

    def choice(self, options):
        return self.draw(st.sampled_from(options))

    def chance(self, p):
        """True with about probability `p`; shrinks to False."""
        return self.draw(st.integers(0, 99)) < p * 100

    # ----- expressions ---------------------------------------------------------

    def fconst(self):
        return self.choice(["0.5", "1.0", "2.0", "-1.5", "0.25", "3.0"])

    def fexpr(self, depth=2):
        """A float expression over the visible names."""
        kinds = ["var", "const"]
        if depth > 0:
            kinds += ["bin", "bin", "math", "div", "ifexp", "int"]
            if self.visible("t"):
                kinds.append("tuple")
            if self.visible("g"):
                kinds.append("call")
            if self.visible("a"):
                kinds += ["reduce", "index"]
            if self.live:
                kinds.append("rawdiv")
        kind = self.choice(kinds)
        d = depth - 1
        if kind == "var":  # the latest names first: they carry the computation
            return self.choice(self.visible("f")[::-1])
        if kind == "const":
            return self.fconst()
        if kind == "bin":
            op = self.choice(["+", "-", "*"])
            return f"({self.fexpr(d)} {op} {self.fexpr(d)})"
        if kind == "math":
            fn = self.choice(["sin", "cos", "tanh", "exp"])
            inner = self.fexpr(d)
            if fn == "exp":
                inner = f"math.tanh({inner})"
            return f"math.{fn}({inner})"
        if kind == "div":
            return f"({self.fexpr(d)} / (1.0 + ({self.fexpr(d)}) ** 2))"
        if kind == "rawdiv":
            return f"({self.fexpr(d)} / {self.choice(self.visible('f'))})"
        if kind == "ifexp":
            return f"({self.fexpr(d)} if {self.cond(d)} else {self.fexpr(d)})"
        if kind == "int":
            return f"({self.iexpr(d)} * {self.fconst()})"
        if kind == "tuple":
            name, size = self.choice(self.visible("t"))
            if self.chance(0.5):
                return f"{name}[{self.draw(st.integers(0, size - 1))}]"
            return f"{name}[{self.iexpr(d)} % {size}]"
        if kind == "call":
            name, arity = self.choice(self.visible("g"))
            return f"{name}({', '.join(self.fexpr(d) for _ in range(arity))})"
        if kind == "reduce":
            fn = self.choice(["np.sum({})", "np.dot({}, {})"])
            return fn.format(*(self.aexpr(d) for _ in range(fn.count("{}"))))
        return f"{self.choice(self.visible('a'))}[{self.draw(st.integers(0, 2))}]"

    def iexpr(self, depth=1):
        """An int expression; it may raise only where `raw_division` allows."""
        kinds = ["var", "const"] + (["bin", "mod"] if depth > 0 else [])
        if depth > 0 and self.live:
            kinds.append("rawdiv")
        kind = self.choice(kinds)
        d = depth - 1
        if kind == "var":
            return self.choice(self.visible("i"))
        if kind == "const":
            return str(self.draw(st.integers(0, 3)))
        if kind == "bin":
            return f"({self.iexpr(d)} {self.choice(['+', '-', '*'])} {self.iexpr(d)})"
        if kind == "mod":
            return f"({self.iexpr(d)} {self.choice(['%', '//'])} {self.draw(st.integers(2, 5))})"
        return f"({self.iexpr(d)} {self.choice(['//', '%'])} {self.choice(self.visible('i'))})"

    def aexpr(self, depth=1):
        """A float64 vector expression (length 3)."""
        kinds = ["var"] + (["bin", "scale", "ufunc", "matvec"] if depth > 0 else [])
        kind = self.choice(kinds)
        d = depth - 1
        if kind == "var":
            return self.choice(self.visible("a"))
        if kind == "bin":
            return f"({self.aexpr(d)} {self.choice(['+', '-', '*'])} {self.aexpr(d)})"
        if kind == "scale":
            return f"({self.aexpr(d)} * {self.fexpr(d)})"
        if kind == "ufunc":
            fn = self.choice(["tanh", "sin", "cos", "exp"])
            inner = self.aexpr(d)
            return f"np.exp(np.tanh({inner}))" if fn == "exp" else f"np.{fn}({inner})"
        return f"np.dot(m, {self.aexpr(d)})"

    def cond(self, depth=1):
        kind = self.choice(["fcmp", "icmp", "and", "not", "chain"] if depth > 0 else ["fcmp"])
        if kind == "fcmp":
            return f"{MARK}{self.fexpr(1)} {self.choice(['<', '>', '<=', '>='])} {self.fconst()})"
        if kind == "icmp":
            return f"{MARK}{self.iexpr(1)} {self.choice(['<', '==', '!=', '>'])} {self.iexpr(0)})"
        if kind == "and":
            left, right = self.cond(0), self.cond(0)
            return f"{MARK}{left} {self.choice(['and', 'or'])} {right})"
        if kind == "not":
            return f"{MARK}not {self.cond(0)})"
        return f"{MARK}-1.0 < {self.fexpr(1)} < {self.fconst()})"

    def bounded(self):
        """A float expression whose value is in [-1, 1]: safe to store in a loop."""
        return f"math.{self.choice(['tanh', 'sin', 'cos'])}({self.fexpr()})"

    # ----- statements ----------------------------------------------------------

    def block(self, indent, size):
        lines = []
        for _ in range(size):
            lines += self.stmt(indent)
        return lines

    def nested(self, indent, size):
        """A block in its own scope: names it binds are not seen after it."""
        self.scopes.append({"f": [], "i": [], "a": [], "t": [], "g": []})
        lines = self.block(indent, size)
        self.scopes.pop()
        return lines

    def stmt(self, indent):
        pad = "    " * indent
        nesting = indent < 3
        kinds = ["new", "assign", "assign", "aug", "int"]
        if nesting:
            kinds += ["if", "for", "while", "closure"] * 2
            if self.arrays or self.visible("t"):
                kinds.append("each")
        kinds += ["tuple", "swap", "rec"] + (["array"] * 2 if self.arrays else [])
        if self.loop_depth:
            kinds += ["jump"] * 3
        if indent > 1:
            kinds += ["return"]
        kind = self.choice(kinds)
        if kind == "new":
            name = self.fresh("v")
            line = f"{pad}{name} = {self.bounded()}"
            self.bind("f", name)
            return [line]
        if kind == "assign":
            return [f"{pad}{self.choice(self.assignable('f'))} = {self.bounded()}"]
        if kind == "aug":
            return [f"{pad}{self.choice(self.assignable('f'))} += 0.5 * {self.bounded()}"]
        if kind == "int":
            targets = self.assignable("i")
            if not targets or self.chance(0.5):
                name = self.fresh("k")
                line = f"{pad}{name} = {self.iexpr()} % 11"
                self.bind("i", name)
                return [line]
            return [f"{pad}{self.choice(targets)} = {self.iexpr()} % 7"]
        if kind == "if":
            return self.if_stmt(pad, indent)
        if kind == "for":
            return self.loop(pad, indent, "for")
        if kind in ("while", "each"):
            return self.loop(pad, indent, kind)
        if kind == "closure":
            return self.closure(pad, indent)
        if kind == "tuple":
            return self.tuple_stmt(pad)
        if kind == "swap":
            a, b = self.choice(self.assignable("f")), self.choice(self.assignable("f"))
            return [f"{pad}{a}, {b} = {b}, {a}"]
        if kind == "rec":
            return self.recursion(pad)
        if kind == "array":
            return self.array_stmt(pad)
        if kind == "jump":
            return [f"{pad}if {self.cond()}:", f"{pad}    {self.choice(['break', 'continue'])}"]
        return [f"{pad}if {self.cond()}:", f"{pad}    return {self.result()}"]

    def if_stmt(self, pad, indent):
        lines = [f"{pad}if {self.cond()}:"] + self.nested(indent + 1, self.size())
        for _ in range(self.draw(st.integers(0, 1))):
            lines += [f"{pad}elif {self.cond()}:"] + self.nested(indent + 1, self.size())
        if self.chance(0.5):
            lines += [f"{pad}else:"] + self.nested(indent + 1, self.size())
        return lines

    def size(self):
        return self.draw(st.integers(1, 3))

    def loop(self, pad, indent, kind):
        self.loop_depth += 1
        self.scopes.append({"f": [], "i": [], "a": [], "t": [], "g": []})
        if kind == "for":
            i = self.fresh("i")
            bound = self.choice(["3", "n", "0", "(n % 4)", "1, 4", "4, 0, -1"])
            head = [f"{pad}for {i} in range({bound}):"]
            self.bind("i", i)
            body = self.block(indent + 1, self.size())
        elif kind == "each":  # over a tuple's items or a matrix's rows
            e = self.fresh("e")
            tuples = [name for name, _ in self.visible("t")]
            if self.arrays and (not tuples or self.chance(0.5)):
                head = [f"{pad}for {e} in m:"]
                self.bind("a", e)
            else:
                head = [f"{pad}for {e} in {self.choice(tuples)}:"]
                self.bind("f", e)
            body = self.block(indent + 1, self.size())
        else:
            j = self.fresh("j")
            extra = f" and {self.cond(0)}" if self.chance(0.5) else ""
            head = [f"{pad}{j} = 0", f"{pad}while {MARK}{j} < {self.draw(st.integers(0, 4))}{extra}):",
                    f"{pad}    {j} += 1"]
            self.bind("i", j)
            self.frozen.add(j)
            body = self.block(indent + 1, self.size())
        self.scopes.pop()
        self.loop_depth -= 1
        if kind == "while":
            self.bind("i", j)  # the counter exists before the loop: seen after it
        return head + body

    def closure(self, pad, indent):
        name = self.fresh("g")
        arity = self.draw(st.integers(1, 2))
        params = [self.fresh("z") for _ in range(arity)]
        saved = self.loop_depth, self.fn_base
        self.loop_depth, self.fn_base = 0, len(self.scopes)
        self.kinds.append("float")
        self.scopes.append({"f": list(params), "i": [], "a": [], "t": [], "g": []})
        lines = [f"{pad}def {name}({', '.join(params)}):"]
        if indent < 3 and self.chance(0.3):
            lines += self.closure(pad + "    ", indent + 1)
        if self.chance(0.3):
            lines += self.block(indent + 1, 1)
        lines.append(f"{pad}    return {self.fexpr()}")
        self.scopes.pop()
        self.kinds.pop()
        self.loop_depth, self.fn_base = saved
        self.bind("g", (name, arity))
        call = f"math.tanh({name}({', '.join(self.fexpr(1) for _ in params)}))"
        var = self.fresh("v")
        self.bind("f", var)
        return lines + [f"{pad}{var} = {call}"]

    def tuple_stmt(self, pad):
        size = self.draw(st.integers(2, 3))
        items = ", ".join(self.fexpr(1) for _ in range(size))
        if self.chance(0.5):
            names = [self.fresh("p") for _ in range(size)]
            for n in names:
                self.bind("f", n)
            return [f"{pad}{', '.join(names)} = ({items})"]
        name = self.fresh("t")
        self.bind("t", (name, size))
        return [f"{pad}{name} = ({items})"]

    def recursion(self, pad):
        """A module-level self-recursive helper, depth-bounded by an int argument."""
        name = self.fresh("rec")
        saved, self.scopes = self.scopes, [{"f": ["z"], "i": ["d"], "a": [], "t": [], "g": []}]
        base, step, arg = self.fexpr(), self.fexpr(1), self.fexpr(1)
        self.scopes = saved
        self.helpers.append(
            f"def {name}(z, d):\n    if d <= 0:\n        return {base}\n"
            f"    return math.tanh({step} + 0.5 * {name}(math.sin({arg}), d - 1))\n")
        depth = self.choice(["2", "n", "0", "(n % 5)"])
        var = self.fresh("v")
        line = f"{pad}{var} = {name}({self.fexpr(1)}, {depth})"
        self.bind("f", var)
        return [line]

    def array_stmt(self, pad):
        targets = self.assignable("a")
        if not targets or self.chance(0.5):
            name = self.fresh("b")
            line = f"{pad}{name} = {self.aexpr()}"
            self.bind("a", name)
            return [line]
        return [f"{pad}{self.choice(targets)} = np.tanh({self.aexpr()})"]

    def result(self):
        """A returned expression: the only place a raw division may go, since a
        statement whose value is unused is not run (README), and so cannot raise."""
        self.live = self.raw_division
        if self.kinds[-1] == "tuple":
            out = f"({self.fexpr()}, {self.iexpr()})"
        elif self.kinds[-1] == "array":
            out = f"np.tanh({self.aexpr()})"
        else:
            out = self.fexpr()
        self.live = False
        return out

    def module(self):
        body = self.block(1, self.draw(st.integers(1, 6)))
        body.append(f"    return {self.result()}")
        params = "x, y, n, a, m" if self.arrays else "x, y, n"  # scalars only: native code
        text = "\n\n".join(self.helpers + [f"def f({params}):\n" + "\n".join(body) + "\n"])
        return Program(HEADER + "\n" + text.replace(MARK, "("),
                       HEADER + TRACER + "\n" + text.replace(MARK, "_c("),
                       self.returns, self.arrays)


@st.composite
def programs(draw, arrays=None, raw_division=False, returns=None):
    """Programs of the subset; `returns` is "float", "tuple", "array" or None (any)."""
    arrays = draw(st.booleans()) if arrays is None else arrays
    if returns is None:
        returns = draw(st.sampled_from(["float", "tuple"] + (["array"] if arrays else [])))
    return _Gen(draw, arrays, raw_division, returns).module()

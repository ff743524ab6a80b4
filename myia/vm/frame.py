"""The production VM's frame: one running call, linked to its caller.

The frame stack is this linked list, not Python's: a user's recursion
20,000 deep costs 20,000 of these objects and no Python recursion, and
`recursion_limit()` is checked where a frame is made (`depth`).  A tail
call reuses its frame (production.py sets `insts`, `regs` and `pc` anew).
"""

from .debug import Stacked, _limit, too_deep


class Frame(Stacked):
    """One running call: `code`, its `regs`, the next `pc`, and where it returns.

    `caller` is the frame to return to (None for the outermost), `ret` the
    register there that receives the result, `call_node` the call's node
    (for errors).  `stack()` and `call_node` are what `user_node` reads.
    """

    __slots__ = ("code", "insts", "regs", "pc", "caller", "ret", "call_node", "depth")

    def __init__(self, code, regs, caller, ret, call_node):
        if caller is None:
            self.depth = 1
        elif caller.depth >= _limit[0]:
            raise too_deep(caller, call_node)
        else:
            self.depth = caller.depth + 1
        self.code = code
        self.insts = code.insts
        self.regs = regs
        self.pc = 0
        self.caller = caller
        self.ret = ret
        self.call_node = call_node

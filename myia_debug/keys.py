"""Key bindings: function keys that run stepping commands (as in IDEs and pudb).

Shift-F11 reaches terminals as F23, which is how prompt_toolkit names it.
"""

from prompt_toolkit.key_binding import KeyBindings

BINDINGS = {"f10": "next", "f11": "step", "f23": "return", "f5": "continue",
            "f8": "reverse-step", "f7": "reverse-next"}


def load_bindings(debugger):
    """Bindings that type a command and submit it, so it shows in the history."""
    kb = KeyBindings()

    def bind(key, command):
        @kb.add(key)
        def _(event):
            event.current_buffer.text = command
            event.current_buffer.validate_and_handle()

    for key, command in BINDINGS.items():
        bind(key, command)
    return kb

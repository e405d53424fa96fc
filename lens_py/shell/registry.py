"""The command table: one record per command, arity checked in one place.

Every command of the shell -- Tcl core, Lens shell layer, Lens network
commands -- is a `Command` in a `CommandTable`.  Each area module owns one
table; `lens_py.shell.install` merges tables into an interpreter and
`lens_py.assemble` lists the modules.

A command function has the signature ``func(interp, args) -> str`` where
``args`` is the list of argument words *without* the command name.  The
interpreter checks ``min_args``/``max_args`` before calling and raises
``wrong # args: should be "<usage>"`` itself, so functions never re-check
their argument count.  The usage string starts with the command name, in
Tcl's notation (``set varName ?newValue?``), and also feeds `help`, REPL
completion and the REPL's hint bar.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional

CommandFunc = Callable[[Any, list], str]


@dataclass
class Command:
    name: str
    func: CommandFunc
    usage: str
    min_args: int = 0
    max_args: Optional[int] = None  # None: no upper bound
    help: str = ""


@dataclass
class CommandTable:
    area: str
    commands: dict = field(default_factory=dict)

    def command(self, name: str, usage: str, min_args: int = 0,
                max_args: Optional[int] = None, help: str = ""):
        """Decorator registering ``func`` under ``name``."""
        def register(func: CommandFunc) -> CommandFunc:
            self.add(Command(name, func, usage, min_args, max_args, help))
            return func
        return register

    def add(self, cmd: Command) -> None:
        if cmd.name in self.commands:
            raise ValueError(f"command {cmd.name!r} registered twice in {self.area}")
        self.commands[cmd.name] = cmd

    def __iter__(self) -> Iterator[Command]:
        return iter(self.commands.values())

    def __len__(self) -> int:
        return len(self.commands)

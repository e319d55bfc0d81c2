"""The ``maintenance-constructs`` command: the argument parsing of each command (``set``,
``status`` and ``preview`` in ``main``, ``check`` and ``serve`` in ``edge_commands``, ``switch``
in ``switch_command``) and the AWS client (``aws``). The commands' work is done by the layers
below: ``preview``, ``edge`` and ``switch``, on ``doors``, ``app``, ``evaluate`` and ``model``.
"""

from .main import main, parser

__all__ = ["main", "parser"]

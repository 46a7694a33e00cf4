"""Words the files and the command line share, written once; imports nothing heavy.

models.py validates files against them; cli/ offers them as choices without loading pydantic.
"""

from __future__ import annotations

from typing import Literal

Risk = Literal["low", "medium", "high"]

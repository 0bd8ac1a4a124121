"""The instructors' workspace. Each admin here shows an instructor only their own courses and what
belongs to them; site admins see everything."""

from . import catalog, discussions, enrolment, learning, payments  # noqa: F401  (register every feature's admins)

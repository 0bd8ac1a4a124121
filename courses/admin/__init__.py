"""The instructors' workspace. Each admin here shows an instructor only their own courses and what
belongs to them; site admins see everything."""

from . import catalog  # noqa: F401  (registers the catalog's admins)

"""The instructors' workspace. Each admin here shows an instructor only their own courses and what
belongs to them; site admins see everything."""

from . import catalog, learning  # noqa: F401  (register the catalog's and the learning admins)

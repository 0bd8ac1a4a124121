from django.db import models


class RemembersSavedValues(models.Model):
    """Remembers the values of `remembered_fields` as last read from or written to the database,
    so a post_save receiver can tell "just set" from "already set" without another query."""

    remembered_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)  # post_save receivers still see the old remembered values
        self._remember()

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._remember()

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        instance = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        instance._remember()
        return instance

    def _remember(self) -> None:
        self._saved_values = {name: self.__dict__.get(name) for name in self.remembered_fields}

    def saved_value(self, name: str):
        """The field's value in the database before the save under way (None for a new row)."""
        return getattr(self, "_saved_values", {}).get(name)

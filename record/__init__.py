"""The debate record format: one schema, shared by the importer and the exporter."""

from .errors import RecordError

__all__ = ["RecordError"]

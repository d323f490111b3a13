class RecordError(Exception):
    """A file that cannot be imported, with every problem found as ``path: message``."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))

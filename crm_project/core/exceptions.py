class ConflictError(Exception):
    """Someone else changed the record first; the caller's change was not applied."""

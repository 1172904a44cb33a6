def register() -> None:
    """Menu entries and 待办 of this part of the reports app (called from ReportsConfig.ready)."""

"""The project's number and date formats (settings.FORMAT_MODULE_PATH), one rule for every page."""

"""Number and date formats where Django's own locale files fall short (FORMAT_MODULE_PATH).

Only the settings that differ are defined; every other format falls back to Django's locale.
"""

"""atlaslint: lint occupation atlases with exact positions."""

__version__ = "0.1.0"

"""Loaders: every document kind is read into data plus a map of exact positions."""

"""Benchmarks for atlaslint: synthetic atlases and whole-process timings.

Run ``python -m benchmarks --help``; see "Benchmarks" in the README.
"""

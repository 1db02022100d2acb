"""What runs on each kind of unit: a profile folder, a framework file, a record file.

Each kind loads its documents once, runs the checks that apply, and returns
its diagnostics plus a small index entry that cross-file rules read.
"""

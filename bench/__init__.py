"""Benchmarks: run from the repository root as `python -m bench.<name>`; each prints its
figures, the target and a ratio against a baseline measured in the same run. Not part of pytest.
"""

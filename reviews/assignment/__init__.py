"""Automatic reviewer assignment: affinity scores (affinity.py) and the min-cost flow
solver (solver.py).  Pure Python + numpy/scipy/scikit-learn/OR-Tools, no Django."""

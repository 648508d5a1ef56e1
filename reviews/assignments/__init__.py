"""Who reviews what: manual and bulk assignment (services, views), automatic
assignment runs (runs.py), and their pure core, affinity scores (affinity.py) and
the min-cost flow solver (solver.py): numpy/scipy/scikit-learn/OR-Tools, no Django."""

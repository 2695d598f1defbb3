"""Root pytest configuration, loaded for the package tests and for nbval over book/.

Notebook kernels started by nbval inherit these environment variables:
interactive figures render as kernel-free sliders, exactly as in the committed
outputs (see lossbook.widgets and docs/DECISIONS.md).
"""

import os

os.environ["LOSSBOOK_WIDGETS"] = "static"
# Kernels run single-threaded, as when the outputs were recorded
# (tools/execute_notebooks.py): identical arithmetic, and no oversubscription
# when pytest-xdist runs two notebooks at once on two cores.
os.environ["OMP_NUM_THREADS"] = "1"

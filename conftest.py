"""Root pytest configuration, loaded for the package tests and for nbval over book/.

Notebook kernels started by nbval inherit this environment variable: interactive
figures render as kernel-free sliders, exactly as in the committed outputs (see
lossbook.widgets and docs/DECISIONS.md).
"""

import os

os.environ["LOSSBOOK_WIDGETS"] = "static"

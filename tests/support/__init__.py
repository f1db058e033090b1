"""Test support, not shipped with xlcheck: the form renderer (`support.render`) and the mistake planter
(`support.plant`). Tests import them as `from support.render import Layout, render_workbook` (pytest puts
tests/ on the path); scripts/make_samples.py and scripts/bench.py add tests/ to sys.path themselves.

The form data both work on is described in support/render.py's docstring."""

"""Test support, not shipped with xlcheck: the form renderer (`support.render`), the mistake planter
(`support.plant`) and the grid renderer for forms transcribed cell by cell (`support.grid`, used by the
real forms in tests/realforms/). Tests import them as `from support.render import Layout, render_workbook` (pytest puts
tests/ on the path); scripts/make_samples.py and scripts/bench.py add tests/ to sys.path themselves.

The form data both work on is described in support/render.py's docstring."""

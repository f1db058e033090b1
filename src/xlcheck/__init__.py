"""xlcheck: read, recompute and correct performance self-evaluation workbooks (绩效自评表).

The Python API, imported on first use (so `import xlcheck` stays light):
check_workbook(path, config=…), fix_workbook(path, out, config=…), load_config(start, explicit),
export_tables(paths) -> {table name: pandas DataFrame}.
"""

__version__ = "0.1.0"

_API = {"check_workbook": "api", "fix_workbook": "api", "load_config": "config", "Config": "config", "export_tables": "export"}


def __getattr__(name: str):
    if name in _API:
        import importlib

        return getattr(importlib.import_module(f".{_API[name]}", __name__), name)
    raise AttributeError(f"module 'xlcheck' has no attribute {name!r}")
